package dev.glimpse.core.index;

import dev.glimpse.core.index.WeightsFingerprint.WeightsFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model an index's vectors came from, recorded in every commit so that searches encode queries
 * with exactly the same weights and a re-index with another model is refused.
 *
 * @param modelId the {@code --model} argument as given for a hub id ({@code org/name}, {@code
 *     org/name@revision}), or the absolute path of a local model folder
 * @param revision what pins the weights: the 40-hex hub commit the files came from, or for a local
 *     folder its {@link WeightsFingerprint} digest ({@code sha256:...}); empty in indexes written
 *     before pinning, whose model is loaded as given
 * @param dimension embedding dimension
 * @param preprocess description of the image preprocessing, e.g. {@code clip(224)}
 * @param precision engine and precision, e.g. {@code pytorch-cpu fp32}
 * @param weightFiles for a local folder, the size and time of each weights file when the
 *     fingerprint was taken (lets a check skip hashing unchanged files); empty otherwise
 * @param family the model family ({@code clip}, {@code siglip}, {@code siglip2}), which decides the
 *     tokenizer and what a score means; {@code clip} in indexes written before SigLIP
 */
public record ModelManifest(
    String modelId,
    Optional<String> revision,
    int dimension,
    String preprocess,
    String precision,
    List<WeightsFile> weightFiles,
    String family) {

  /** The family of indexes written before the manifest recorded one. */
  public static final String CLIP_FAMILY = "clip";

  private static final String COMMIT = "[0-9a-f]{40}";

  /** Validates the values. */
  public ModelManifest {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(preprocess, "preprocess");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(family, "family");
    weightFiles = List.copyOf(weightFiles);
    if (modelId.isBlank()) {
      throw new IllegalArgumentException("modelId must not be blank");
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
  }

  /** A CLIP model's manifest. */
  public ModelManifest(
      String modelId,
      Optional<String> revision,
      int dimension,
      String preprocess,
      String precision,
      List<WeightsFile> weightFiles) {
    this(modelId, revision, dimension, preprocess, precision, weightFiles, CLIP_FAMILY);
  }

  /** This manifest for a model of {@code family}. */
  public ModelManifest withFamily(String family) {
    return new ModelManifest(
        modelId, revision, dimension, preprocess, precision, weightFiles, family);
  }

  /** A manifest without weights file stamps (a hub model, or an unpinned one). */
  public ModelManifest(
      String modelId,
      Optional<String> revision,
      int dimension,
      String preprocess,
      String precision) {
    this(modelId, revision, dimension, preprocess, precision, List.of());
  }

  /** The hub commit the weights are pinned to, if the revision is one. */
  public Optional<String> commit() {
    return revision.filter(r -> r.matches(COMMIT));
  }

  /** The local folder's fingerprint the weights are pinned to, if the revision is one. */
  public Optional<WeightsFingerprint> fingerprint() {
    return revision
        .filter(WeightsFingerprint::isFingerprint)
        .map(r -> new WeightsFingerprint(r, weightFiles));
  }

  /** The manifest as string pairs, for JSON. */
  Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("modelId", modelId);
    revision.ifPresent(r -> map.put("revision", r));
    map.put("dimension", Integer.toString(dimension));
    map.put("preprocess", preprocess);
    map.put("precision", precision);
    if (!weightFiles.isEmpty()) {
      map.put("weightFiles", encode(weightFiles));
    }
    map.put("family", family);
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
        map.getOrDefault("precision", ""),
        decode(map.getOrDefault("weightFiles", "")),
        map.getOrDefault("family", CLIP_FAMILY));
  }

  // "size:mtime:name" joined by '/': top-level file names cannot hold '/', and the two numbers come
  // first so a ':' in a name is harmless.
  private static String encode(List<WeightsFile> files) {
    List<String> parts = new ArrayList<>();
    for (WeightsFile f : files) {
      parts.add(f.size() + ":" + f.mtime() + ":" + f.name());
    }
    return String.join("/", parts);
  }

  private static List<WeightsFile> decode(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    List<WeightsFile> files = new ArrayList<>();
    for (String part : text.split("/", -1)) {
      String[] fields = part.split(":", 3);
      if (fields.length != 3) {
        throw new IllegalArgumentException("malformed weights file entry '" + part + "'");
      }
      files.add(new WeightsFile(fields[2], Long.parseLong(fields[0]), Long.parseLong(fields[1])));
    }
    return files;
  }
}
