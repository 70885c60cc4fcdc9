package dev.glimpse.core.index;

import java.util.Objects;
import java.util.Optional;

/**
 * How a writable index is opened.
 *
 * @param dimension vector dimension, the model's embedding size
 * @param hnswM HNSW maximum connections per node (Lucene's {@code maxConn}), 2 to 512; larger gives
 *     better recall and a bigger, slower-to-build graph
 * @param beamWidth HNSW candidate list size while building the graph, 1 to 3200
 * @param quantization how the graph stores vectors
 * @param model the model whose vectors are written; recorded in every commit and checked against
 *     the model an existing index was built with. Empty keeps whatever the index records.
 */
public record IndexConfig(
    int dimension,
    int hnswM,
    int beamWidth,
    Quantization quantization,
    Optional<ModelManifest> model) {

  /** Lucene's default HNSW {@code maxConn}. */
  public static final int DEFAULT_M = 16;

  /** Lucene's default HNSW {@code beamWidth}. */
  public static final int DEFAULT_BEAM_WIDTH = 100;

  /** The largest dimension Lucene indexes for a float vector field. */
  public static final int MAX_DIMENSION = 4096;

  /** Validates the values. */
  public IndexConfig {
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "vector dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
    }
    if (hnswM < 2 || hnswM > 512) {
      throw new IllegalArgumentException("hnswM must be in [2, 512], got " + hnswM);
    }
    if (beamWidth < 1 || beamWidth > 3200) {
      throw new IllegalArgumentException("beamWidth must be in [1, 3200], got " + beamWidth);
    }
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(model, "model");
    if (model.isPresent() && model.get().dimension() != dimension) {
      throw new IllegalArgumentException(
          "vector dimension "
              + dimension
              + " does not match the dimension "
              + model.get().dimension()
              + " of model "
              + model.get().modelId());
    }
  }

  /**
   * Default HNSW parameters, float vectors, no model recorded.
   *
   * @param dimension vector dimension
   * @return the configuration
   */
  public static IndexConfig of(int dimension) {
    return new IndexConfig(
        dimension, DEFAULT_M, DEFAULT_BEAM_WIDTH, Quantization.NONE, Optional.empty());
  }

  /**
   * Default HNSW parameters, float vectors, for a model's vectors.
   *
   * @param model the model; its dimension is the vector dimension
   * @return the configuration
   */
  public static IndexConfig forModel(ModelManifest model) {
    return new IndexConfig(
        model.dimension(), DEFAULT_M, DEFAULT_BEAM_WIDTH, Quantization.NONE, Optional.of(model));
  }

  /**
   * Returns a copy with other HNSW parameters.
   *
   * @param m maximum connections per node
   * @param beam candidate list size while building
   * @return the new configuration
   */
  public IndexConfig withHnsw(int m, int beam) {
    return new IndexConfig(dimension, m, beam, quantization, model);
  }

  /**
   * Returns a copy with another quantisation.
   *
   * @param q the quantisation
   * @return the new configuration
   */
  public IndexConfig withQuantization(Quantization q) {
    return new IndexConfig(dimension, hnswM, beamWidth, q, model);
  }
}
