package dev.glimpse.core.indexing;

import java.util.Objects;

/**
 * A file or folder that was not indexed.
 *
 * @param path the path as the file system gave it
 * @param reason why
 * @param detail the underlying message, for logs
 */
public record SkippedFile(String path, SkipReason reason, String detail) {
  public SkippedFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }
}
