package dev.glimpse.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a POST body, read the same way from JSON ({@code application/json}, an image as
 * base64 in {@code image}) and from {@code multipart/form-data} (an {@code image} file part, other
 * fields as form fields, lists as repeated fields). Type errors are 400s naming the field; bodies
 * over the limit are 413s; other content types are 415s.
 */
abstract sealed class RequestFields permits RequestFields.Json, RequestFields.Form {

  /** Reads the body of a request. */
  static RequestFields read(Context ctx, ObjectMapper mapper, ApiConfig config) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      return Json.read(ctx, mapper, config);
    }
    if (type.startsWith("multipart/form-data")) {
      return Form.read(ctx, config);
    }
    throw ApiException.unsupportedMediaType(
        "send application/json or multipart/form-data, got "
            + (type.isEmpty() ? "no content type" : "'" + clip(type) + "'"));
  }

  /** A text field. */
  abstract Optional<String> string(String name);

  /** The names of the fields sent. */
  abstract java.util.Set<String> names();

  /**
   * Rejects fields outside {@code allowed} with a 400 that names them.
   *
   * @return this
   */
  RequestFields only(java.util.Set<String> allowed) {
    AllowedFields.requireKnown("field", names(), allowed);
    return this;
  }

  /** A list of texts: a JSON array of strings, or repeated form fields. */
  abstract List<String> strings(String name);

  /** A number field. */
  abstract Optional<Double> number(String name);

  /** A boolean field. */
  abstract Optional<Boolean> bool(String name);

  /** An object of numbers, e.g. {@code weights}; in a form, a JSON object as text. */
  abstract Map<String, Double> numbers(String name);

  /** The uploaded image's bytes, at most the upload limit. */
  abstract Optional<byte[]> image();

  /** An integer field. */
  Optional<Integer> integer(String name) {
    return number(name)
        .map(
            d -> {
              if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw ApiException.badRequest(name + ": must be an integer, got " + d);
              }
              return d.intValue();
            });
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  private static ApiException tooLarge(ApiConfig config) {
    return ApiException.tooLarge(
        "upload larger than the limit of " + config.maxUploadBytes() + " bytes");
  }

  /** A JSON body. */
  static final class Json extends RequestFields {
    private final JsonNode root;
    private final ApiConfig config;

    private Json(JsonNode root, ApiConfig config) {
      this.root = root;
      this.config = config;
    }

    static Json read(Context ctx, ObjectMapper mapper, ApiConfig config) {
      byte[] body = bounded(ctx, config);
      JsonNode root;
      try {
        root = mapper.readTree(body);
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest(
            "body is not valid JSON (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")");
      } catch (IOException e) {
        throw ApiException.badRequest("body cannot be read");
      }
      if (root == null || !root.isObject()) {
        throw ApiException.badRequest("body must be a JSON object");
      }
      return new Json(root, config);
    }

    private static byte[] bounded(Context ctx, ApiConfig config) {
      long limit = config.maxRequestBytes();
      if (ctx.req().getContentLengthLong() > limit) {
        throw tooLarge(config);
      }
      try (InputStream in = ctx.req().getInputStream()) {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (bytes.length > limit) {
          throw tooLarge(config);
        }
        return bytes;
      } catch (IOException e) {
        throw ApiException.badRequest("body cannot be read");
      }
    }

    @Override
    java.util.Set<String> names() {
      java.util.Set<String> out = new java.util.TreeSet<>();
      root.fieldNames().forEachRemaining(out::add);
      return out;
    }

    private JsonNode field(String name) {
      JsonNode n = root.get(name);
      return n == null || n.isNull() ? null : n;
    }

    @Override
    Optional<String> string(String name) {
      JsonNode n = field(name);
      if (n == null) {
        return Optional.empty();
      }
      if (!n.isTextual()) {
        throw ApiException.badRequest(name + ": must be a string");
      }
      return Optional.of(n.textValue());
    }

    @Override
    List<String> strings(String name) {
      JsonNode n = field(name);
      if (n == null) {
        return List.of();
      }
      if (!n.isArray()) {
        throw ApiException.badRequest(name + ": must be an array of strings");
      }
      List<String> out = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        if (!e.isTextual()) {
          throw ApiException.badRequest(name + ": must be an array of strings");
        }
        out.add(e.textValue());
      }
      return out;
    }

    @Override
    Optional<Double> number(String name) {
      JsonNode n = field(name);
      if (n == null) {
        return Optional.empty();
      }
      if (!n.isNumber()) {
        throw ApiException.badRequest(name + ": must be a number");
      }
      return Optional.of(n.doubleValue());
    }

    @Override
    Optional<Boolean> bool(String name) {
      JsonNode n = field(name);
      if (n == null) {
        return Optional.empty();
      }
      if (!n.isBoolean()) {
        throw ApiException.badRequest(name + ": must be true or false");
      }
      return Optional.of(n.booleanValue());
    }

    @Override
    Map<String, Double> numbers(String name) {
      JsonNode n = field(name);
      if (n == null) {
        return Map.of();
      }
      return objectOfNumbers(name, n);
    }

    @Override
    Optional<byte[]> image() {
      Optional<String> base64 = string("image");
      if (base64.isEmpty()) {
        return Optional.empty();
      }
      String s = base64.get();
      int comma = s.indexOf(',');
      if (s.startsWith("data:") && comma > 0) {
        s = s.substring(comma + 1);
      }
      if ((long) s.length() / 4 * 3 > config.maxUploadBytes() + 3) {
        throw tooLarge(config);
      }
      byte[] bytes;
      try {
        bytes = Base64.getMimeDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("image: not valid base64");
      }
      if (bytes.length > config.maxUploadBytes()) {
        throw tooLarge(config);
      }
      return Optional.of(bytes);
    }
  }

  static Map<String, Double> objectOfNumbers(String name, JsonNode n) {
    if (!n.isObject()) {
      throw ApiException.badRequest(name + ": must be an object of numbers");
    }
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isNumber()) {
        throw ApiException.badRequest(name + "." + e.getKey() + ": must be a number");
      }
      out.put(e.getKey(), e.getValue().doubleValue());
    }
    return out;
  }

  /** A multipart form. */
  static final class Form extends RequestFields {
    private final Context ctx;
    private final ApiConfig config;
    private final Optional<UploadedFile> image;

    private Form(Context ctx, ApiConfig config, Optional<UploadedFile> image) {
      this.ctx = ctx;
      this.config = config;
      this.image = image;
    }

    static Form read(Context ctx, ApiConfig config) {
      if (ctx.req().getContentLengthLong() > config.maxRequestBytes()) {
        throw tooLarge(config);
      }
      try {
        return new Form(ctx, config, Optional.ofNullable(ctx.uploadedFile("image")));
      } catch (Exception e) {
        // Jetty reports limits as exceptions (sometimes checked ones, thrown through Kotlin).
        for (Throwable t = e; t != null; t = t.getCause()) {
          String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
          if (m.contains("max file size")
              || m.contains("max length")
              || m.contains("too large")
              || m.contains("exceeds")) {
            throw tooLarge(config);
          }
        }
        throw ApiException.badRequest("malformed multipart body");
      }
    }

    @Override
    Optional<String> string(String name) {
      return Optional.ofNullable(ctx.formParam(name));
    }

    @Override
    java.util.Set<String> names() {
      java.util.Set<String> out = new java.util.TreeSet<>(ctx.formParamMap().keySet());
      out.addAll(ctx.uploadedFileMap().keySet());
      return out;
    }

    @Override
    List<String> strings(String name) {
      return ctx.formParams(name);
    }

    @Override
    Optional<Double> number(String name) {
      return string(name)
          .filter(s -> !s.isBlank())
          .map(
              s -> {
                try {
                  return Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                  throw ApiException.badRequest(name + ": must be a number, got '" + clip(s) + "'");
                }
              });
    }

    @Override
    Optional<Boolean> bool(String name) {
      return string(name)
          .filter(s -> !s.isBlank())
          .map(
              s ->
                  switch (s.strip()) {
                    case "true", "1", "on" -> true;
                    case "false", "0", "off" -> false;
                    default -> throw ApiException.badRequest(name + ": must be true or false");
                  });
    }

    @Override
    Map<String, Double> numbers(String name) {
      Optional<String> text = string(name).filter(s -> !s.isBlank());
      if (text.isEmpty()) {
        return Map.of();
      }
      try {
        return objectOfNumbers(name, new ObjectMapper().readTree(text.get()));
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest(name + ": must be a JSON object of numbers");
      }
    }

    @Override
    Optional<byte[]> image() {
      if (image.isEmpty()) {
        return Optional.empty();
      }
      UploadedFile file = image.get();
      if (file.size() > config.maxUploadBytes()) {
        throw tooLarge(config);
      }
      try (InputStream in = file.content()) {
        byte[] bytes = in.readNBytes((int) config.maxUploadBytes() + 1);
        if (bytes.length > config.maxUploadBytes()) {
          throw tooLarge(config);
        }
        return Optional.of(bytes);
      } catch (IOException e) {
        throw ApiException.badRequest("image: upload cannot be read");
      }
    }
  }
}
