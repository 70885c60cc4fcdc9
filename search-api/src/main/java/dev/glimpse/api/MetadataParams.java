package dev.glimpse.api;

import dev.glimpse.core.index.GeoBox;
import dev.glimpse.core.index.GeoCircle;
import dev.glimpse.core.index.MetadataFilter;
import dev.glimpse.core.index.Orientation;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The metadata filters of a search ({@code camera}, {@code lens}, {@code near}, {@code box}, {@code
 * orientation}, {@code format}, {@code minSize}, {@code maxSize}) and {@code collapse}, read the
 * same way from query parameters and from a POST body; every problem is a 400 naming the value.
 */
final class MetadataParams {
  private static final int MAX_CHARS = 200;
  private static final int MAX_FORMATS = 16;

  private MetadataParams() {}

  /** The filters in a GET request's query parameters. */
  static MetadataFilter filter(Context ctx) {
    List<String> formats = new ArrayList<>();
    for (String f : ctx.queryParams("format")) {
      formats.addAll(List.of(f.split(",")));
    }
    return filter(
        Optional.ofNullable(ctx.queryParam("camera")),
        Optional.ofNullable(ctx.queryParam("lens")),
        Optional.ofNullable(ctx.queryParam("near")),
        Optional.ofNullable(ctx.queryParam("box")),
        Optional.ofNullable(ctx.queryParam("orientation")),
        formats,
        Optional.ofNullable(ctx.queryParam("minSize")).map(s -> size("minSize", s)),
        Optional.ofNullable(ctx.queryParam("maxSize")).map(s -> size("maxSize", s)));
  }

  /** The filters in a POST body ({@code format} a string or an array of strings). */
  static MetadataFilter filter(RequestFields body) {
    List<String> formats = new ArrayList<>();
    Optional<String> one;
    try {
      one = body.string("format");
    } catch (ApiException notAString) {
      one = Optional.empty();
      formats.addAll(body.strings("format"));
    }
    one.ifPresent(f -> formats.addAll(List.of(f.split(","))));
    return filter(
        body.string("camera"),
        body.string("lens"),
        body.string("near"),
        body.string("box"),
        body.string("orientation"),
        formats,
        body.number("minSize").map(d -> bytes("minSize", d)),
        body.number("maxSize").map(d -> bytes("maxSize", d)));
  }

  /** {@code collapse}: whether duplicates collapse into one result (default true). */
  static boolean collapse(Context ctx) {
    String v = ctx.queryParam("collapse");
    if (v == null) {
      return true;
    }
    return switch (v.strip()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw ApiException.badRequest("collapse: must be true or false, got '" + clip(v) + "'");
    };
  }

  /** {@code collapse} from a body. */
  static boolean collapse(RequestFields body) {
    return body.bool("collapse").orElse(true);
  }

  private static MetadataFilter filter(
      Optional<String> camera,
      Optional<String> lens,
      Optional<String> near,
      Optional<String> box,
      Optional<String> orientation,
      List<String> formats,
      Optional<Long> minSize,
      Optional<Long> maxSize) {
    if (formats.size() > MAX_FORMATS) {
      throw ApiException.badRequest("format: at most " + MAX_FORMATS + " formats");
    }
    MetadataFilter f = MetadataFilter.NONE;
    try {
      f = apply(f, "camera", camera, f::withCamera);
      f = apply(f, "lens", lens, f::withLens);
      MetadataFilter g = f;
      f = apply(g, "near", near, s -> g.withNear(GeoCircle.parse(s)));
      MetadataFilter h = f;
      f = apply(h, "box", box, s -> h.withBox(GeoBox.parse(s)));
      MetadataFilter o = f;
      f = apply(o, "orientation", orientation, s -> o.withOrientation(Orientation.parse(s)));
      List<String> given = formats.stream().filter(s -> !s.isBlank()).toList();
      if (!given.isEmpty()) {
        for (String s : given) {
          check("format", s);
        }
        f = f.withFormats(Set.copyOf(given));
      }
      if (minSize.isPresent() || maxSize.isPresent()) {
        f = f.withSizeBetween(minSize.orElse(null), maxSize.orElse(null));
      }
      return f;
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static MetadataFilter apply(
      MetadataFilter f,
      String name,
      Optional<String> value,
      Function<String, MetadataFilter> with) {
    if (value.isEmpty() || value.get().isBlank()) {
      return f;
    }
    check(name, value.get());
    try {
      return with.apply(value.get());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + ": " + e.getMessage());
    }
  }

  private static void check(String name, String value) {
    if (value.length() > MAX_CHARS) {
      throw ApiException.badRequest(name + ": must be at most " + MAX_CHARS + " chars");
    }
  }

  private static long size(String name, String value) {
    try {
      long v = Long.parseLong(value.strip());
      if (v < 0) {
        throw ApiException.badRequest(name + ": must not be negative, got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          name + ": must be a number of bytes, got '" + clip(value) + "'");
    }
  }

  private static long bytes(String name, double value) {
    if (value != Math.rint(value) || value < 0 || value > Long.MAX_VALUE) {
      throw ApiException.badRequest(name + ": must be a whole number of bytes, got " + value);
    }
    return (long) value;
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
