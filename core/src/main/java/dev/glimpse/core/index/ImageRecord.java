package dev.glimpse.core.index;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One indexed image file.
 *
 * @param id opaque stable identifier derived from the path's key in the index ({@link
 *     #idFor(String)}), so it survives moving the photos with their index; safe to show in URLs,
 *     reveals nothing about the path. A store assigns it on upsert ({@link VectorStore#upsert})
 * @param path absolute, normalised file path; the unique key of the index
 * @param folder the parent directory of {@code path}
 * @param size file size in bytes
 * @param mtime last-modified time, epoch milliseconds
 * @param hash content hash, lower-case hex ({@link ContentHash}); equal files share it
 * @param metadata what the header and EXIF say
 */
public record ImageRecord(
    String id,
    String path,
    String folder,
    long size,
    long mtime,
    String hash,
    ImageMetadata metadata) {

  /** Validates the values. */
  public ImageRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(metadata, "metadata");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("path must not be empty");
    }
    if (hash.isEmpty()) {
      throw new IllegalArgumentException("hash must not be empty for " + path);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + size + " for " + path);
    }
  }

  /**
   * Creates a record for a file, deriving the folder from its path and a provisional id from the
   * absolute path (the store replaces it with the id of the path's key).
   *
   * @param file the file; made absolute and normalised
   * @param size file size in bytes
   * @param mtime last-modified time, epoch milliseconds
   * @param hash content hash, hex
   * @param metadata header and EXIF values
   * @return the record
   */
  public static ImageRecord of(
      Path file, long size, long mtime, String hash, ImageMetadata metadata) {
    Path absolute = file.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    String path = absolute.toString();
    return new ImageRecord(
        idFor(path), path, parent == null ? path : parent.toString(), size, mtime, hash, metadata);
  }

  /**
   * The id of a path key: the first 16 bytes of the SHA-256 of its UTF-8 form, as 32 hex digits.
   * Stable across runs and machines for the same key, and not reversible. A key is root-relative
   * ({@code r1/2019/cat.jpg}, see {@link IndexSchema#PATH}); in an index of schema 1 it is the
   * absolute path.
   *
   * @param key the path key
   * @return 32 lower-case hex digits
   */
  public static String idFor(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
