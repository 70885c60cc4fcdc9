package dev.glimpse.api;

import java.util.Map;
import java.util.Objects;

/**
 * A request that cannot be answered, with the HTTP status and the machine-readable code the JSON
 * error body carries. Thrown by controllers and validation helpers; {@link ErrorMapper} renders it.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  /**
   * Creates an exception.
   *
   * @param status HTTP status, 4xx or 5xx
   * @param code short machine-readable code, e.g. {@code bad_request}
   * @param message what is wrong, naming the value, safe to show to a client
   * @param headers extra response headers, e.g. {@code WWW-Authenticate}
   */
  public ApiException(int status, String code, String message, Map<String, String> headers) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 4xx or 5xx, got " + status);
    }
    this.status = status;
    this.code = Objects.requireNonNull(code, "code");
    this.headers = Map.copyOf(headers);
  }

  /** 400: a parameter or body field is missing or invalid. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message, Map.of());
  }

  /** 401: the API key is missing or wrong. */
  public static ApiException unauthorized(String message) {
    return new ApiException(
        401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer realm=\"glimpse\""));
  }

  /** 404: no such image or resource. */
  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message, Map.of());
  }

  /** 413: the body or image is larger than the limit. */
  public static ApiException tooLarge(String message) {
    return new ApiException(413, "payload_too_large", message, Map.of());
  }

  /** 415: a content type or image format that is not accepted. */
  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "unsupported_media_type", message, Map.of());
  }

  /** 422: an upload that is not a decodable image. */
  public static ApiException undecodableImage(String message) {
    return new ApiException(422, "undecodable_image", message, Map.of());
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The machine-readable code. */
  public String code() {
    return code;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
