package dev.glimpse.core.indexing;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks folders for candidate files. Follows symbolic links but not into loops, skips hidden
 * folders and files unless asked, never descends into excluded folders (such as the index itself),
 * and reports folders it cannot list so their indexed files are not mistaken for deleted ones.
 */
final class FileWalker {
  /** A regular file found by the walk. */
  record Candidate(Path path, long size, long mtime) {}

  private final boolean includeHidden;
  private final Set<Path> excluded;

  FileWalker(boolean includeHidden, Set<Path> excluded) {
    this.includeHidden = includeHidden;
    this.excluded = Set.copyOf(excluded);
  }

  /**
   * Walks every root.
   *
   * @param files receives each regular file
   * @param skips receives folders that cannot be listed and link loops
   * @return the folders whose listing failed: their subtrees are incomplete
   */
  Set<Path> walk(List<Path> roots, Consumer<Candidate> files, Consumer<SkippedFile> skips)
      throws IOException {
    Set<Path> incomplete = new HashSet<>();
    for (Path root : roots) {
      Path start = root.toAbsolutePath().normalize();
      Files.walkFileTree(
          start,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(start) && skipsFolder(dir)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !skipsFile(file)) {
                files.accept(
                    new Candidate(file, attrs.size(), attrs.lastModifiedTime().toMillis()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              if (e instanceof FileSystemLoopException) {
                skips.accept(new SkippedFile(file.toString(), SkipReason.LINK_LOOP, e.toString()));
              } else if (e instanceof NoSuchFileException) {
                // Gone since it was listed, or a dangling symbolic link: nothing to index.
                if (Files.isSymbolicLink(file)) {
                  skips.accept(
                      new SkippedFile(file.toString(), SkipReason.VANISHED, "dangling link"));
                }
              } else if (Files.isDirectory(file)) {
                incomplete.add(file);
                skips.accept(
                    new SkippedFile(file.toString(), SkipReason.UNREADABLE_FOLDER, e.toString()));
              } else {
                skips.accept(new SkippedFile(file.toString(), SkipReason.UNREADABLE, e.toString()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
              if (e != null) {
                incomplete.add(dir);
                skips.accept(
                    new SkippedFile(dir.toString(), SkipReason.UNREADABLE_FOLDER, e.toString()));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    }
    return incomplete;
  }

  /**
   * Whether the walk leaves out a folder below a root (and everything in it): an excluded folder,
   * or a hidden one unless hidden files are included. The folder watcher watches by the same rule.
   */
  boolean skipsFolder(Path dir) {
    return excluded.contains(dir) || (!includeHidden && hidden(dir));
  }

  /** Whether a file is left out: a hidden one unless hidden files are included. */
  boolean skipsFile(Path file) {
    return !includeHidden && hidden(file);
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
