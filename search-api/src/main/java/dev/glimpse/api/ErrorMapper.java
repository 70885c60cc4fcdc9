package dev.glimpse.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationError;
import io.javalin.validation.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into {@code {"error":{"code","message"}}} with the right status: our own
 * {@link ApiException}s, Javalin's validation errors and HTTP exceptions (404 for unknown routes,
 * 413 for bodies over the limit), and a catch-all that logs the exception and answers a 500 without
 * details. No stack trace ever reaches a client.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, ErrorMapper::apiException);
    routes.exception(ValidationException.class, ErrorMapper::validation);
    routes.exception(HttpResponseException.class, ErrorMapper::http);
    routes.exception(Exception.class, ErrorMapper::unexpected);
  }

  /** Writes the error body. */
  static void write(Context ctx, int status, String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    ctx.status(status).json(Map.of("error", error));
  }

  private static void apiException(ApiException e, Context ctx) {
    e.headers().forEach(ctx::header);
    write(ctx, e.status(), e.code(), e.getMessage());
  }

  private static void validation(ValidationException e, Context ctx) {
    StringJoiner message = new StringJoiner("; ");
    for (Map.Entry<String, List<ValidationError<Object>>> field : e.getErrors().entrySet()) {
      for (ValidationError<Object> error : field.getValue()) {
        message.add(field.getKey() + ": " + describe(error));
      }
    }
    write(ctx, 400, "bad_request", message.toString());
  }

  private static String describe(ValidationError<Object> error) {
    return switch (error.getMessage()) {
      case "NULLCHECK_FAILED" -> "is required";
      case "TYPE_CONVERSION_FAILED" -> "is not a valid number: '" + clip(error.value) + "'";
      default -> error.getMessage();
    };
  }

  private static String clip(Object value) {
    String s = String.valueOf(value);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static void http(HttpResponseException e, Context ctx) {
    int status = e.getStatus();
    String message =
        switch (status) {
          case 404 -> "not found: " + ctx.method() + " " + clip(ctx.path());
          case 413 -> "request body too large";
          default -> e.getMessage() == null ? "request failed" : e.getMessage();
        };
    write(ctx, status, codeFor(status), message);
  }

  private static void unexpected(Exception e, Context ctx) {
    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
    write(ctx, 500, "internal", "internal server error");
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 422 -> "undecodable_image";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "bad_request";
    };
  }
}
