package dev.glimpse.core.hub;

import java.io.IOException;
import java.util.Objects;

/**
 * A failure to obtain a model from the hub or the cache, with a message a user can act on.
 *
 * <p>{@link #kind()} tells the failures apart; the original exception, if any, is kept as the
 * cause.
 */
public class HubException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The repository, revision or file does not exist (HTTP 404). */
    NOT_FOUND,
    /** The hub refused access (HTTP 401/403): a token is missing or lacks access. */
    UNAUTHORIZED,
    /** The hub could not be reached (connection, DNS, timeout, interrupted transfer, 5xx). */
    UNREACHABLE,
    /** The downloaded content does not match the hash (or size) the hub announced. */
    INTEGRITY,
    /** Offline mode is on and a needed file is not in the cache. */
    OFFLINE_NOT_CACHED,
    /** The repository holds no checkpoint this program can load (e.g. no safetensors weights). */
    UNSUPPORTED,
    /** The hub answered in a way this client does not understand. */
    PROTOCOL
  }

  private final Kind kind;

  /**
   * Creates an exception.
   *
   * @param kind what went wrong
   * @param message what happened and what the user can do about it
   * @param cause the underlying exception, or {@code null}
   */
  public HubException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Creates an exception without a cause.
   *
   * @param kind what went wrong
   * @param message what happened and what the user can do about it
   */
  public HubException(Kind kind, String message) {
    this(kind, message, null);
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }
}
