package dev.glimpse.core.index;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The photo folders an index stores its paths against: root id to the folder as recorded.
 *
 * <p>A document's key is {@code id/relative/path} (with {@code /} separators whatever the
 * platform), so moving a root means changing one recorded path, not every document. A folder is
 * recorded relative to the <em>base</em> folder (the index folder, or the home folder holding its
 * generations) when the base sits inside it or beside it, e.g. {@code ..} for an index inside the
 * photo folder or {@code ../photos} for one next to it: then photos and index move together without
 * any change. Other folders are recorded as absolute paths.
 *
 * @param recorded root id to path as recorded: absolute, or relative to the base with {@code /}
 *     separators; iterated in id order
 */
public record Roots(Map<String, String> recorded) {
  private static final Pattern ID = Pattern.compile("r[1-9][0-9]*");

  /** No roots. */
  public static final Roots NONE = new Roots(Map.of());

  /** Validates ids and paths and sorts by id. */
  public Roots {
    Objects.requireNonNull(recorded, "recorded");
    Map<String, String> sorted = new TreeMap<>(Roots::compareIds);
    recorded.forEach(
        (id, path) -> {
          if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("root id must look like r1, r2, ...; got " + id);
          }
          if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("root " + id + " has no path");
          }
          sorted.put(id, path);
        });
    recorded = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
  }

  /** Whether there are no roots. */
  public boolean isEmpty() {
    return recorded.isEmpty();
  }

  /**
   * The folder a root stands for.
   *
   * @param id a root id
   * @param base the folder relative roots are resolved against
   * @return the absolute, normalised folder
   * @throws IllegalArgumentException if there is no such root
   */
  public Path resolve(String id, Path base) {
    String path = recorded.get(id);
    if (path == null) {
      throw new IllegalArgumentException("no root " + id + " (roots: " + recorded.keySet() + ")");
    }
    return resolveRecorded(path, base);
  }

  /** Every root's folder, by id, resolved against {@code base}. */
  public Map<String, Path> resolved(Path base) {
    Map<String, Path> out = new LinkedHashMap<>();
    recorded.forEach((id, path) -> out.put(id, resolveRecorded(path, base)));
    return out;
  }

  /** The root whose folder is {@code folder} itself, if any. */
  public Optional<String> idOf(Path folder, Path base) {
    Path f = folder.toAbsolutePath().normalize();
    return resolved(base).entrySet().stream()
        .filter(e -> e.getValue().equals(f))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * The root a user names: by id ({@code r1}), by its path as recorded ({@code ..}), or by the
   * folder it resolves to (relative names taken from the working directory).
   *
   * @param root the name
   * @param base the folder relative roots are resolved against
   * @return the root's id, or empty if no root goes by that name
   */
  public Optional<String> find(String root, Path base) {
    if (recorded.containsKey(root)) {
      return Optional.of(root);
    }
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      if (e.getValue().equals(root)) {
        return Optional.of(e.getKey());
      }
    }
    return idOf(Path.of(root), base);
  }

  /** The roots as {@code r1 (..), r2 (/mnt/photos)}, or {@code none}, for messages. */
  public String describe() {
    if (recorded.isEmpty()) {
      return "none";
    }
    StringJoiner joined = new StringJoiner(", ");
    recorded.forEach((id, path) -> joined.add(id + " (" + path + ")"));
    return joined.toString();
  }

  /** A copy with one root added or re-pointed. */
  public Roots with(String id, String recordedPath) {
    Map<String, String> copy = new LinkedHashMap<>(recorded);
    copy.put(id, recordedPath);
    return new Roots(copy);
  }

  /** An id no root has yet: one past the largest. */
  public String nextId() {
    int max = 0;
    for (String id : recorded.keySet()) {
      max = Math.max(max, Integer.parseInt(id.substring(1)));
    }
    return "r" + (max + 1);
  }

  /**
   * How a folder is recorded: relative to {@code base} when the base is inside the folder or beside
   * it (under the base's parent), else absolute.
   *
   * @param folder the photo folder
   * @param base the folder relative roots are resolved against
   * @return the path to record, with {@code /} separators when relative
   */
  public static String record(Path folder, Path base) {
    Path f = folder.toAbsolutePath().normalize();
    Path b = base.toAbsolutePath().normalize();
    Path parent = b.getParent();
    // The file system root itself is never portable: "../../.." would follow the index anywhere.
    boolean portable =
        f.getParent() != null && (b.startsWith(f) || (parent != null && f.startsWith(parent)));
    if (!portable || !Objects.equals(f.getRoot(), b.getRoot())) {
      return f.toString();
    }
    String relative = b.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    return relative.isEmpty() ? "." : relative;
  }

  private static Path resolveRecorded(String path, Path base) {
    Path p = Path.of(path);
    if (p.isAbsolute()) {
      return p.normalize();
    }
    Path out = base.toAbsolutePath();
    for (String part : path.split("/", -1)) {
      out = out.resolve(part);
    }
    return out.normalize();
  }

  private static int compareIds(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }
}
