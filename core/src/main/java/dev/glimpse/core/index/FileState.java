package dev.glimpse.core.index;

import java.util.Objects;

/**
 * What the index remembers of a file, enough to decide whether it changed since it was indexed.
 *
 * @param size file size in bytes
 * @param mtime last-modified time, epoch milliseconds
 * @param hash content hash, hex ({@link ContentHash})
 */
public record FileState(long size, long mtime, String hash) {

  /** Validates the values. */
  public FileState {
    Objects.requireNonNull(hash, "hash");
  }
}
