package dev.glimpse.core.index;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model an index's vectors came from, recorded in every commit so that searches encode queries
 * with the same model and a re-index with another model is refused.
 *
 * @param modelId the {@code --model} argument as given (a local directory or a hub id)
 * @param revision the hub revision or commit, if known
 * @param dimension embedding dimension
 * @param preprocess description of the image preprocessing, e.g. {@code clip(224)}
 * @param precision engine and precision, e.g. {@code pytorch-cpu fp32}
 */
public record ModelManifest(
    String modelId, Optional<String> revision, int dimension, String preprocess, String precision) {

  /** Validates the values. */
  public ModelManifest {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(preprocess, "preprocess");
    Objects.requireNonNull(precision, "precision");
    if (modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must not be blank");
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
  }

  /** The manifest as string pairs, for JSON. */
  Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("modelId", modelId);
    revision.ifPresent(r -> map.put("revision", r));
    map.put("dimension", Integer.toString(dimension));
    map.put("preprocess", preprocess);
    map.put("precision", precision);
    return map;
  }

  /** Reads {@link #toMap()}'s form back; throws IllegalArgumentException if malformed. */
  static ModelManifest fromMap(Map<String, String> map) {
    String dim = map.get("dimension");
    if (map.get("modelId") == null || dim == null) {
      throw new IllegalArgumentException("model manifest lacks modelId or dimension: " + map);
    }
    return new ModelManifest(
        map.get("modelId"),
        Optional.ofNullable(map.get("revision")),
        Integer.parseInt(dim),
        map.getOrDefault("preprocess", ""),
        map.getOrDefault("precision", ""));
  }
}
