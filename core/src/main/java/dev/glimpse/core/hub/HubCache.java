package dev.glimpse.core.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The on-disk cache layout of {@code huggingface_hub}: {@code models--org--name/} with {@code
 * blobs/<etag>}, {@code snapshots/<commit>/<file>} (relative symlinks into {@code blobs}), {@code
 * refs/<revision>} (the commit a revision resolved to) and {@code .no_exist/<commit>/<file>}
 * (markers for files known to be absent).
 */
final class HubCache {

  private final Path root;

  HubCache(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path repoDir(ModelRef ref) {
    return root.resolve("models--" + ref.repo().replace("/", "--"));
  }

  Path blob(ModelRef ref, String etag) {
    return repoDir(ref).resolve("blobs").resolve(etag);
  }

  Path snapshotDir(ModelRef ref, String commit) {
    return repoDir(ref).resolve("snapshots").resolve(commit);
  }

  /** The commit the revision resolves to: the revision itself for a commit, else refs/. */
  Optional<String> resolveCommit(ModelRef ref) {
    if (ref.isCommit()) {
      return Optional.of(ref.revision());
    }
    Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
    if (!Files.isRegularFile(refFile)) {
      return Optional.empty();
    }
    try {
      String commit = Files.readString(refFile, StandardCharsets.UTF_8).strip();
      return commit.isEmpty() || commit.contains("/") || commit.contains("..")
          ? Optional.empty()
          : Optional.of(commit);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The snapshot folder of the revision, if the revision resolves and the folder exists. */
  Optional<Path> snapshot(ModelRef ref) {
    return resolveCommit(ref).map(c -> snapshotDir(ref, c)).filter(Files::isDirectory);
  }

  /** The cached file of the revision, if present (a dangling link counts as absent). */
  Optional<Path> cachedFile(ModelRef ref, String file) {
    return resolveCommit(ref).map(c -> snapshotDir(ref, c).resolve(file)).filter(Files::exists);
  }

  /** Whether an earlier lookup recorded that the file does not exist at this revision. */
  boolean knownMissing(ModelRef ref, String file) {
    return resolveCommit(ref)
        .map(c -> repoDir(ref).resolve(".no_exist").resolve(c).resolve(file))
        .filter(Files::exists)
        .isPresent();
  }

  void markMissing(ModelRef ref, String commit, String file) throws IOException {
    Path marker = repoDir(ref).resolve(".no_exist").resolve(commit).resolve(file);
    Files.createDirectories(marker.getParent());
    if (!Files.exists(marker)) {
      Files.createFile(marker);
    }
  }

  /** Records that the revision resolves to the commit; nothing to do for a commit revision. */
  void writeRef(ModelRef ref, String commit) throws IOException {
    if (ref.isCommit() || ref.revision().equals(commit)) {
      return;
    }
    Path refFile = repoDir(ref).resolve("refs").resolve(ref.revision());
    if (Files.isRegularFile(refFile)
        && Files.readString(refFile, StandardCharsets.UTF_8).strip().equals(commit)) {
      return;
    }
    Files.createDirectories(refFile.getParent());
    Path tmp = Files.createTempFile(refFile.getParent(), ".ref", ".tmp");
    try {
      Files.writeString(tmp, commit, StandardCharsets.UTF_8);
      moveAtomically(tmp, refFile);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Makes {@code snapshots/<commit>/<file>} point at the blob with a relative symlink, or holds a
   * copy of it where symlinks cannot be made.
   */
  Path link(ModelRef ref, String commit, String file, Path blob) throws IOException {
    Path target = snapshotDir(ref, commit).resolve(file);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    try {
      Files.createSymbolicLink(target, target.getParent().relativize(blob));
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
