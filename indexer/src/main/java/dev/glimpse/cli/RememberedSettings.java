package dev.glimpse.cli;

import dev.glimpse.core.index.IndexSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@code glimpse index} run indexes: the folders and options given on the command line,
 * else the ones the index remembers.
 *
 * <p>With no folder, the remembered roots are walked again; a folder given is added to them (and
 * only it is walked, so files under the other roots are kept). {@code --include-hidden} and {@code
 * --max-pixels} override the remembered values and are remembered in turn.
 *
 * @param settings the options to record: every root, old and new, and the effective options
 * @param walk the folders this run walks
 * @param applied the remembered values this run used because the command line left them out, and
 *     that differ from the defaults: {@code roots} (a list of paths), {@code includeHidden}, {@code
 *     maxPixels}
 * @param notes things the user should know, e.g. that a remembered root is missing
 */
record RememberedSettings(
    IndexSettings settings, List<Path> walk, Map<String, Object> applied, List<String> notes) {

  /**
   * Combines the command line with what the index remembers.
   *
   * @param remembered what the index records, if anything
   * @param folders the folders given, possibly none
   * @param includeHidden {@code --include-hidden} / {@code --no-include-hidden}, or null
   * @param maxPixels {@code --max-pixels}, or null
   * @param indexDir the index, for messages
   * @throws UsageException if no folder is given and none is remembered, or a remembered root to
   *     walk no longer exists
   */
  static RememberedSettings resolve(
      Optional<IndexSettings> remembered,
      List<Path> folders,
      Boolean includeHidden,
      Long maxPixels,
      Path indexDir)
      throws UsageException {
    Map<String, Object> applied = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    List<Path> known = remembered.map(IndexSettings::roots).orElse(List.of());
    List<Path> walk;
    Set<Path> roots = new LinkedHashSet<>(known);
    if (folders.isEmpty()) {
      if (known.isEmpty()) {
        throw new UsageException(
            "no photo folder given, and the index at "
                + indexDir
                + " remembers none; name one: glimpse index PHOTO_FOLDER");
      }
      walk = outermost(known);
      for (Path root : walk) {
        if (!Files.isDirectory(root)) {
          throw new UsageException(
              "the remembered photo folder "
                  + root
                  + " does not exist; if it moved, re-point it with: glimpse roots move "
                  + root
                  + " NEW_FOLDER (or name the folders to index)");
        }
      }
      applied.put("roots", walk.stream().map(Path::toString).toList());
    } else {
      walk = folders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
      roots.addAll(walk);
      for (Path root : known) {
        if (!Files.isDirectory(root) && !walk.contains(root)) {
          notes.add(
              "the remembered photo folder "
                  + root
                  + " does not exist; if its photos moved, glimpse roots move "
                  + root
                  + " NEW_FOLDER keeps their entries (indexing the new folder adds it as"
                  + " another root and leaves the old entries)");
        }
      }
    }
    boolean hidden;
    if (includeHidden != null) {
      hidden = includeHidden;
    } else {
      hidden = remembered.map(IndexSettings::includeHidden).orElse(false);
      if (hidden) {
        applied.put("includeHidden", true);
      }
    }
    long pixels;
    if (maxPixels != null) {
      pixels = maxPixels;
    } else {
      pixels = remembered.map(IndexSettings::maxPixels).orElse(IndexSettings.DEFAULT_MAX_PIXELS);
      if (pixels != IndexSettings.DEFAULT_MAX_PIXELS) {
        applied.put("maxPixels", pixels);
      }
    }
    return new RememberedSettings(
        new IndexSettings(List.copyOf(roots), hidden, pixels), walk, applied, notes);
  }

  /** The applied values as a line for the run summary, e.g. {@code --include-hidden}. */
  String describe() {
    List<String> parts = new ArrayList<>();
    applied.forEach(
        (k, v) -> {
          switch (k) {
            case "roots" -> parts.add("folders " + String.join(", ", walkNames()));
            case "includeHidden" -> parts.add("--include-hidden");
            case "maxPixels" -> parts.add("--max-pixels " + v);
            default -> parts.add(k + " " + v);
          }
        });
    return String.join("; ", parts);
  }

  private List<String> walkNames() {
    return walk.stream().map(Path::toString).toList();
  }

  /** The folders not inside another one of the list: walking those covers all, each file once. */
  private static List<Path> outermost(List<Path> folders) {
    List<Path> out = new ArrayList<>();
    for (Path f : folders) {
      boolean nested = false;
      for (Path g : folders) {
        nested |= !g.equals(f) && f.startsWith(g);
      }
      if (!nested && !out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }
}
