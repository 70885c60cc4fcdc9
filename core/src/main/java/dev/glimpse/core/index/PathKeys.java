package dev.glimpse.core.index;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates between the absolute paths callers use and the keys an index stores, for one set of
 * roots. Immutable: a store swaps in a new instance when its roots change.
 *
 * <p>A key is {@code rootId} for the root folder itself and {@code rootId/a/b.jpg} below it, always
 * with {@code /} separators. A path belongs to the longest root that contains it; since a new root
 * is never registered inside an existing one, that root does not change for an indexed file.
 *
 * <p>A legacy index (schema 1) stores absolute paths as keys; its translation is the identity.
 */
final class PathKeys {
  private final Roots roots;
  private final Path base;
  private final boolean legacy;
  private final Map<String, Path> resolved;

  PathKeys(Roots roots, Path base, boolean legacy) {
    this.roots = roots;
    this.base = base.toAbsolutePath().normalize();
    this.legacy = legacy;
    this.resolved = roots.resolved(this.base);
  }

  Roots roots() {
    return roots;
  }

  Path base() {
    return base;
  }

  boolean legacy() {
    return legacy;
  }

  /** The key of an absolute path, or empty if no root contains it. */
  Optional<String> key(String absolutePath) {
    Path p = Path.of(absolutePath).toAbsolutePath().normalize();
    if (legacy) {
      return Optional.of(p.toString());
    }
    return owner(p).map(id -> join(id, resolved.get(id).relativize(p)));
  }

  /** The root that holds a path: the longest one containing it. */
  Optional<String> owner(Path absolute) {
    String best = null;
    for (Map.Entry<String, Path> e : resolved.entrySet()) {
      if (absolute.startsWith(e.getValue())
          && (best == null || e.getValue().getNameCount() > resolved.get(best).getNameCount())) {
        best = e.getKey();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The absolute path of a stored key. */
  String absolute(String key) throws IndexException {
    if (legacy) {
      return key;
    }
    int slash = key.indexOf('/');
    String id = slash < 0 ? key : key.substring(0, slash);
    Path root = resolved.get(id);
    if (root == null) {
      throw new IndexException(
          "the index stores " + key + " under root " + id + ", which it does not record");
    }
    Path out = root;
    if (slash >= 0) {
      for (String part : key.substring(slash + 1).split("/", -1)) {
        out = out.resolve(part);
      }
    }
    return out.toString();
  }

  /**
   * The {@link IndexSchema#FOLDER_TREE} terms that together match every image in an absolute folder
   * or below it: the folder's key under the root that holds it, and every root inside it. Empty
   * when no indexed image can be there.
   */
  List<String> folderTerms(String absoluteFolder) {
    Path folder = Path.of(absoluteFolder).toAbsolutePath().normalize();
    if (legacy) {
      return List.of(folder.toString());
    }
    List<String> terms = new ArrayList<>();
    owner(folder).ifPresent(id -> terms.add(join(id, resolved.get(id).relativize(folder))));
    resolved.forEach(
        (id, root) -> {
          if (root.startsWith(folder) && !root.equals(folder)) {
            terms.add(id);
          }
        });
    return terms;
  }

  /** The record as stored: key as path, folder key as folder, the id derived from the key. */
  ImageRecord toStored(ImageRecord record, String key) {
    int slash = key.lastIndexOf('/');
    String folder;
    if (legacy) {
      folder = record.folder();
    } else {
      folder = slash < 0 ? key : key.substring(0, slash);
    }
    return new ImageRecord(
        ImageRecord.idFor(key),
        key,
        folder,
        record.size(),
        record.mtime(),
        record.hash(),
        record.metadata());
  }

  /** The record as callers see it: absolute path and folder. */
  ImageRecord toAbsolute(ImageRecord stored) throws IndexException {
    if (legacy) {
      return stored;
    }
    return new ImageRecord(
        stored.id(),
        absolute(stored.path()),
        absolute(stored.folder()),
        stored.size(),
        stored.mtime(),
        stored.hash(),
        stored.metadata());
  }

  private static String join(String id, Path relative) {
    StringBuilder key = new StringBuilder(id);
    for (Path part : relative) {
      if (!part.toString().isEmpty()) {
        key.append('/').append(part);
      }
    }
    return key.toString();
  }
}
