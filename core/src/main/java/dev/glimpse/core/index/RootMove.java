package dev.glimpse.core.index;

import java.nio.file.Path;
import java.util.Map;

/**
 * Re-points one root, and the roots inside it, to another folder: the pure part of {@link
 * LuceneVectorStore#moveRoot}.
 */
final class RootMove {
  private RootMove() {}

  /**
   * The roots after moving one.
   *
   * @param roots the roots now
   * @param base the folder relative roots are resolved against
   * @param root the root to move: id, path as recorded, or the folder it resolves to
   * @param to the new folder, absolute
   * @return the new roots
   * @throws IndexException if there is no such root or the new folder overlaps another root
   */
  static Roots apply(Roots roots, Path base, String root, Path to) throws IndexException {
    Map<String, Path> resolved = roots.resolved(base);
    String id =
        roots
            .find(root, base)
            .orElseThrow(
                () ->
                    new IndexException("no root " + root + "; the roots are: " + roots.describe()));
    Path from = resolved.get(id);
    Path target = to.toAbsolutePath().normalize();
    Roots out = roots;
    for (Map.Entry<String, Path> e : resolved.entrySet()) {
      Path folder = e.getValue();
      if (folder.startsWith(from)) {
        out = out.with(e.getKey(), Roots.record(target.resolve(from.relativize(folder)), base));
      } else if (folder.startsWith(target) || target.startsWith(folder)) {
        throw new IndexException(
            "cannot move root "
                + id
                + " to "
                + target
                + ": it overlaps root "
                + e.getKey()
                + " ("
                + folder
                + ")");
      }
    }
    return out;
  }
}
