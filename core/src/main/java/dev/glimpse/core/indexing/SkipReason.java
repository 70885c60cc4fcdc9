package dev.glimpse.core.indexing;

import dev.glimpse.core.image.ImageDecodeException;
import java.util.Locale;

/** Why a file or folder was not indexed. Each has a stable lower-case label for reports. */
public enum SkipReason {
  /** Not an image at all (text, video, ...). */
  NOT_AN_IMAGE,
  /** An image format with no decoder here (HEIC, RAW without a preview, ...). */
  UNSUPPORTED_FORMAT,
  /** Damaged image data. */
  CORRUPT,
  /** The image data ends early. */
  TRUNCATED,
  /** More pixels than the limit (a decompression bomb, or just too large). */
  TOO_MANY_PIXELS,
  /** A zero-byte file. */
  EMPTY,
  /** Larger than the file size limit. */
  TOO_LARGE,
  /** The file cannot be read (permissions, I/O error, a name the file system cannot map). */
  UNREADABLE,
  /** The file disappeared between listing and reading. */
  VANISHED,
  /** A folder that cannot be listed; its files stay in the index as they were. */
  UNREADABLE_FOLDER,
  /** A symbolic link that leads back into a folder being walked. */
  LINK_LOOP;

  /** The label used in summaries and JSON, e.g. {@code not-an-image}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The skip reason for a decoder failure. */
  public static SkipReason of(ImageDecodeException.Reason reason) {
    return switch (reason) {
      case UNSUPPORTED_FORMAT -> UNSUPPORTED_FORMAT;
      case NOT_AN_IMAGE -> NOT_AN_IMAGE;
      case CORRUPT -> CORRUPT;
      case TRUNCATED -> TRUNCATED;
      case TOO_MANY_PIXELS -> TOO_MANY_PIXELS;
      case EMPTY -> EMPTY;
      case UNREADABLE -> UNREADABLE;
      case VANISHED -> VANISHED;
    };
  }
}
