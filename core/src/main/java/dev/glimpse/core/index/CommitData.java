package dev.glimpse.core.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user data Glimpse records in each Lucene commit: the schema version, the model manifest and
 * the last indexing run's summary, the latter two as JSON objects of strings.
 */
final class CommitData {
  static final String SCHEMA_KEY = "glimpse.schema";
  static final String MODEL_KEY = "glimpse.model";
  static final String LAST_RUN_KEY = "glimpse.last_run";
  static final String SCHEMA_VERSION = "1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private CommitData() {}

  /** The user data of a commit. */
  static Map<String, String> encode(Optional<ModelManifest> model, Map<String, String> lastRun) {
    Map<String, String> data = new HashMap<>();
    data.put(SCHEMA_KEY, SCHEMA_VERSION);
    model.ifPresent(m -> data.put(MODEL_KEY, toJson(m.toMap())));
    if (!lastRun.isEmpty()) {
      data.put(LAST_RUN_KEY, toJson(lastRun));
    }
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

  /** The last run summary recorded in a commit's user data, empty if none. */
  static Map<String, String> lastRun(Map<String, String> userData) throws IndexException {
    String json = userData.get(LAST_RUN_KEY);
    if (json == null) {
      return Map.of();
    }
    try {
      return fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IndexException("the index records a malformed last-run summary: " + json, e);
    }
  }

  private static String toJson(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a map of strings", e);
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
