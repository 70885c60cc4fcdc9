package dev.glimpse.api;

import dev.glimpse.core.index.SearchFilter;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation helpers shared by the controllers: one rule, one message, per parameter. */
final class Params {
  /** Longest text query accepted, in characters (the tokenizer truncates long queries anyway). */
  static final int MAX_QUERY_CHARS = 1000;

  /** Most results per page. */
  static final int MAX_K = 1000;

  /** Results per page when none is asked for. */
  static final int DEFAULT_K = 20;

  /** Deepest page: {@code k + offset} at most this. */
  static final int MAX_WINDOW = 10_000;

  /** Most negative texts in one query. */
  static final int MAX_NEGATIVES = 16;

  /** Most labels in one classification. */
  static final int MAX_LABELS = 100;

  /** Most prompt templates in one classification. */
  static final int MAX_TEMPLATES = 100;

  /** Longest label or template. */
  static final int MAX_LABEL_CHARS = 300;

  /** Longest folder filter. */
  static final int MAX_FOLDER_CHARS = 4096;

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  private Params() {}

  /** An image id: exactly 32 lower-case hex digits, or 400. Nothing else reaches the index. */
  static String id(String raw) {
    if (raw == null || !ID.matcher(raw).matches()) {
      throw ApiException.badRequest("image id must be 32 lower-case hex digits");
    }
    return raw;
  }

  /** The {@code q} query parameter: required, not blank, at most 1000 characters. */
  static String query(Context ctx) {
    return ctx.queryParamAsClass("q", String.class)
        .check(q -> q == null || !q.isBlank(), "must not be empty")
        .check(
            q -> q == null || q.length() <= MAX_QUERY_CHARS,
            "must be at most " + MAX_QUERY_CHARS + " chars")
        .get();
  }

  /** The {@code k} query parameter, 1 to 1000, default 20. */
  static int k(Context ctx) {
    return ctx.queryParamAsClass("k", Integer.class)
        .check(k -> k == null || (k >= 1 && k <= MAX_K), "must be between 1 and " + MAX_K)
        .getOrDefault(DEFAULT_K);
  }

  /** The {@code offset} query parameter, 0 or more, default 0. */
  static int offset(Context ctx) {
    return ctx.queryParamAsClass("offset", Integer.class)
        .check(o -> o == null || o >= 0, "must not be negative")
        .check(o -> o == null || o <= MAX_WINDOW, "must be at most " + MAX_WINDOW)
        .getOrDefault(0);
  }

  /** Checks a text query from a body. */
  static String text(String text, String field) {
    if (text.isBlank()) {
      throw ApiException.badRequest(field + ": must not be empty");
    }
    if (text.length() > MAX_QUERY_CHARS) {
      throw ApiException.badRequest(field + ": must be at most " + MAX_QUERY_CHARS + " chars");
    }
    return text;
  }

  /** Checks {@code k} from a body. */
  static int k(int k) {
    if (k < 1 || k > MAX_K) {
      throw ApiException.badRequest("k: must be between 1 and " + MAX_K + ", got " + k);
    }
    return k;
  }

  /** Checks {@code offset} from a body. */
  static int offset(int offset) {
    if (offset < 0 || offset > MAX_WINDOW) {
      throw ApiException.badRequest(
          "offset: must be between 0 and " + MAX_WINDOW + ", got " + offset);
    }
    return offset;
  }

  /** Checks that a page lies within the deepest page the index serves. */
  static void window(int k, int offset) {
    if ((long) k + offset > MAX_WINDOW) {
      throw ApiException.badRequest(
          "k + offset must be at most " + MAX_WINDOW + ", got " + ((long) k + offset));
    }
  }

  /** The filter from the {@code folder}, {@code from}, {@code to} and {@code minScore} params. */
  static SearchFilter filter(Context ctx) {
    Float minScore =
        ctx.queryParamAsClass("minScore", Float.class)
            .check(s -> s == null || (s >= -1f && s <= 1f), "must be between -1 and 1")
            .getOrNull();
    return filter(
        Optional.ofNullable(ctx.queryParam("folder")),
        Optional.ofNullable(ctx.queryParam("from")),
        Optional.ofNullable(ctx.queryParam("to")),
        Optional.ofNullable(minScore));
  }

  /** A filter from raw values; every problem is a 400 that names the value. */
  static SearchFilter filter(
      Optional<String> folder,
      Optional<String> from,
      Optional<String> to,
      Optional<Float> minScore) {
    folder.ifPresent(
        f -> {
          if (f.length() > MAX_FOLDER_CHARS) {
            throw ApiException.badRequest("folder: must be at most " + MAX_FOLDER_CHARS + " chars");
          }
        });
    minScore.ifPresent(
        s -> {
          if (!(s >= -1f && s <= 1f)) {
            throw ApiException.badRequest("minScore: must be between -1 and 1, got " + s);
          }
        });
    Optional<Instant> fromInstant = from.map(s -> instant("from", s, false));
    Optional<Instant> toInstant = to.map(s -> instant("to", s, true));
    try {
      return new SearchFilter(folder.filter(f -> !f.isEmpty()), fromInstant, toInstant, minScore);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * An ISO-8601 date ({@code 2024-05-01}), local date-time (taken as UTC) or date-time with an
   * offset. A date as the upper bound means the end of that day.
   */
  static Instant instant(String field, String value, boolean endOfDay) {
    String v = value.strip();
    try {
      if (v.length() == 10) {
        LocalDate date = LocalDate.parse(v);
        return endOfDay
            ? date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)
            : date.atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(v).toInstant();
      }
      return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          field + ": not an ISO-8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)");
    }
  }
}
