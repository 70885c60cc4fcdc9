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
 * The user data Glimpse records in each Lucene commit: the schema version, the model manifest (a
 * JSON object of strings) and the last indexing run ({@link LastRun#toMap()} as a JSON object with
 * numbers as numbers).
 *
 * <p>Indexes written before the typed form recorded the last run as strings under prefixed keys
 * ({@code {"lastRunIndexed": "3", "lastRunSkipped": "corrupt=1", ...}}); they are read and
 * converted.
 */
final class CommitData {
  static final String SCHEMA_KEY = "glimpse.schema";
  static final String MODEL_KEY = "glimpse.model";
  static final String LAST_RUN_KEY = "glimpse.last_run";
  static final String SCHEMA_VERSION = "1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final String OLD_PREFIX = "lastRun";

  private CommitData() {}

  /** The user data of a commit. */
  static Map<String, String> encode(Optional<ModelManifest> model, Optional<LastRun> lastRun) {
    Map<String, String> data = new HashMap<>();
    data.put(SCHEMA_KEY, SCHEMA_VERSION);
    model.ifPresent(m -> data.put(MODEL_KEY, toJson(m.toMap())));
    lastRun.ifPresent(r -> data.put(LAST_RUN_KEY, toJson(r.toMap())));
    return data;
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
      return Optional.of(node.has("finished") ? typed(node) : fromStrings(fromJson(json)));
    } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
      throw new IndexException("the index records a malformed last-run summary: " + json, e);
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
    for (String part : skips.split(",")) {
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
