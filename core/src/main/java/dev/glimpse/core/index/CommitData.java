package dev.glimpse.core.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user data Glimpse records in each Lucene commit: the schema version, the model manifest, the
 * last indexing run's summary, the roots and the remembered indexing options, the last four as JSON
 * objects of strings.
 *
 * <p>Schema 2 stores paths relative to the recorded roots ({@link PathKeys}). Schema 1, the first
 * release's, stored absolute paths and no roots; such an index stays readable and writable as it is
 * (its paths stay absolute) until it is rebuilt.
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

  private CommitData() {}

  /** The user data of a commit. */
  static Map<String, String> encode(
      int schema,
      Optional<ModelManifest> model,
      Map<String, String> lastRun,
      Roots roots,
      Optional<IndexSettings> settings) {
    Map<String, String> data = new HashMap<>();
    data.put(SCHEMA_KEY, Integer.toString(schema));
    model.ifPresent(m -> data.put(MODEL_KEY, toJson(m.toMap())));
    if (!lastRun.isEmpty()) {
      data.put(LAST_RUN_KEY, toJson(lastRun));
    }
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
