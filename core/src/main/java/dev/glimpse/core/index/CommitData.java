package dev.glimpse.core.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user data Glimpse records in each Lucene commit: the schema version, the model manifest, the
 * last indexing run ({@link LastRun#toMap()} as a JSON object with numbers as numbers), the roots
 * and the remembered indexing options.
 *
 * <p>Schema 2 stores paths relative to the recorded roots ({@link PathKeys}). Schema 1, the first
 * release's, stored absolute paths and no roots; such an index stays readable and writable as it is
 * (its paths stay absolute) until it is rebuilt.
 *
 * <p>Indexes written before the typed form recorded the last run as strings under prefixed keys
 * ({@code {"lastRunIndexed": "3", "lastRunSkipped": "corrupt=1", ...}}); they are read and
 * converted.
 */
final class CommitData {
  static final String SCHEMA_KEY = "glimpse.schema";
  static final String MODEL_KEY = "glimpse.model";
  static final String LAST_RUN_KEY = "glimpse.last_run";
  static final String ROOTS_KEY = "glimpse.roots";
  static final String SETTINGS_KEY = "glimpse.settings";

  /** Paths relative to recorded roots. */
  static final int SCHEMA_VERSION = 2;

  /** Absolute paths, no roots. */
  static final int LEGACY_SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final String OLD_PREFIX = "lastRun";

  private CommitData() {}

  /** The user data of a commit. */
  static Map<String, String> encode(
      int schema,
      Optional<ModelManifest> model,
      Optional<LastRun> lastRun,
      Roots roots,
      Optional<IndexSettings> settings) {
    Map<String, String> data = new HashMap<>();
    data.put(SCHEMA_KEY, Integer.toString(schema));
    model.ifPresent(m -> data.put(MODEL_KEY, toJson(m.toMap())));
    lastRun.ifPresent(r -> data.put(LAST_RUN_KEY, toJson(r.toMap())));
    if (!roots.isEmpty()) {
      data.put(ROOTS_KEY, encodeRoots(roots));
    }
    settings.ifPresent(s -> data.put(SETTINGS_KEY, toJson(s.toMap())));
    return data;
  }

  /**
   * The schema version of a commit: {@link #LEGACY_SCHEMA_VERSION} for an index written before
   * versions were compared, {@link #SCHEMA_VERSION} for a new one.
   *
   * @param userData the commit's user data, empty for a folder without an index
   * @param exists whether the folder holds an index
   */
  static int schema(Map<String, String> userData, boolean exists) throws IndexException {
    String value = userData.get(SCHEMA_KEY);
    if (value == null) {
      return exists ? LEGACY_SCHEMA_VERSION : SCHEMA_VERSION;
    }
    int version;
    try {
      version = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IndexException("the index records a malformed schema version: " + value, e);
    }
    if (version < LEGACY_SCHEMA_VERSION || version > SCHEMA_VERSION) {
      throw new IndexException(
          "the index has schema version "
              + version
              + ", this glimpse reads versions "
              + LEGACY_SCHEMA_VERSION
              + " to "
              + SCHEMA_VERSION
              + "; use a newer glimpse");
    }
    return version;
  }

  /** The model recorded in a commit's user data, if any. */
  static Optional<ModelManifest> model(Map<String, String> userData) throws IndexException {
    String json = userData.get(MODEL_KEY);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelManifest.fromMap(fromJson(json)));
    } catch (IllegalArgumentException e) {
      throw new IndexException("the index records a malformed model manifest: " + json, e);
    }
  }

  /** The last run recorded in a commit's user data, in either form; empty if none. */
  static Optional<LastRun> lastRun(Map<String, String> userData) throws IndexException {
    String json = userData.get(LAST_RUN_KEY);
    if (json == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      if (node.has("finished")) {
        return Optional.of(typed(node));
      }
      Map<String, String> old = fromJson(json);
      // The old form's store API took any map; one without a finish time tells no run.
      return old.containsKey(OLD_PREFIX + "Finished")
          ? Optional.of(fromStrings(old))
          : Optional.empty();
    } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
      throw new IndexException("the index records a malformed last-run summary: " + json, e);
    }
  }

  /** The value of {@link #ROOTS_KEY}. */
  static String encodeRoots(Roots roots) {
    return toJson(roots.recorded());
  }

  /** The roots recorded in a commit's user data, none if absent. */
  static Roots roots(Map<String, String> userData) throws IndexException {
    String json = userData.get(ROOTS_KEY);
    if (json == null) {
      return Roots.NONE;
    }
    try {
      return new Roots(fromJson(json));
    } catch (IllegalArgumentException e) {
      throw new IndexException("the index records malformed roots: " + json, e);
    }
  }

  /**
   * The remembered options of a commit's user data (their roots left empty: the roots are {@link
   * #roots}), or empty if none are recorded.
   */
  static Optional<IndexSettings> settings(Map<String, String> userData) throws IndexException {
    String json = userData.get(SETTINGS_KEY);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(IndexSettings.fromMap(fromJson(json), java.util.List.of()));
    } catch (IllegalArgumentException e) {
      throw new IndexException("the index records malformed indexing options: " + json, e);
    }
  }

  private static LastRun typed(JsonNode node) {
    Map<String, Long> skipped = new LinkedHashMap<>();
    JsonNode skips = node.path("skipped");
    if (!skips.isMissingNode() && !skips.isObject()) {
      throw new IllegalArgumentException("skipped is not an object");
    }
    skips.properties().forEach(e -> skipped.put(e.getKey(), count(e.getValue(), e.getKey())));
    JsonNode seconds = node.path("seconds");
    if (!seconds.isNumber()) {
      throw new IllegalArgumentException("seconds is not a number");
    }
    return new LastRun(
        Instant.parse(node.path("finished").asText()),
        count(node.path("indexed"), "indexed"),
        count(node.path("unchanged"), "unchanged"),
        count(node.path("reused"), "reused"),
        count(node.path("removed"), "removed"),
        skipped,
        seconds.doubleValue());
  }

  private static long count(JsonNode n, String key) {
    if (!n.canConvertToExactIntegral() || !n.canConvertToLong()) {
      throw new IllegalArgumentException(key + " is not a whole number: " + n);
    }
    return n.longValue();
  }

  /** The form before typed runs: prefixed keys, every value a string, skips as "a=1,b=2". */
  private static LastRun fromStrings(Map<String, String> old) {
    Map<String, Long> skipped = new LinkedHashMap<>();
    String skips = old.getOrDefault(OLD_PREFIX + "Skipped", "");
    for (String part : skips.split(",", -1)) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("skip count without '=': " + part);
      }
      skipped.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
    }
    String finished = old.get(OLD_PREFIX + "Finished");
    if (finished == null) {
      throw new IllegalArgumentException("no " + OLD_PREFIX + "Finished");
    }
    return new LastRun(
        Instant.parse(finished),
        oldCount(old, "Indexed"),
        oldCount(old, "Unchanged"),
        oldCount(old, "Reused"),
        oldCount(old, "Removed"),
        skipped,
        Double.parseDouble(old.getOrDefault(OLD_PREFIX + "Seconds", "0")));
  }

  private static long oldCount(Map<String, String> old, String name) {
    return Long.parseLong(old.getOrDefault(OLD_PREFIX + name, "0"));
  }

  private static String toJson(Map<String, ?> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + map, e);
    }
  }

  private static Map<String, String> fromJson(String json) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON object of strings: " + json, e);
    }
  }
}
