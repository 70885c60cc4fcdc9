package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The text tower on libtorch: token and position embeddings, the transformer, {@code ln_final},
 * pooling and the projection. CLIP ({@link TextHead#END_OF_TEXT}) is causal, pools at the first
 * end-of-text token and projects without bias; SigLIP ({@link TextHead#LAST}) attends without a
 * mask, pools the last position and projects with bias.
 *
 * <p>Where attention is causal, the output at position {@code i} depends only on tokens {@code
 * 0..i}. The tower therefore runs only up to the last end-of-text position of the batch: a short
 * query costs a few tokens, not 77.
 */
final class TextTower {
  private final TextConfig config;
  private final NDArray tokenEmbedding; // [V, W]
  private final NDArray positions; // [C, W]
  private final NDArray lnFinalWeight;
  private final NDArray lnFinalBias;
  private final NDArray projection; // [W, E]
  private final NDArray projectionBias; // [E], or null (CLIP)
  private final Transformer transformer;

  TextTower(
      TextConfig config,
      NDArray tokenEmbedding,
      NDArray positions,
      NDArray lnFinalWeight,
      NDArray lnFinalBias,
      NDArray projection,
      NDArray projectionBias,
      Transformer transformer) {
    this.config = config;
    this.tokenEmbedding = tokenEmbedding;
    this.positions = positions;
    this.lnFinalWeight = lnFinalWeight;
    this.lnFinalBias = lnFinalBias;
    this.projection = projection;
    this.projectionBias = projectionBias;
    this.transformer = transformer;
  }

  /**
   * Encodes token id rows.
   *
   * @param manager the caller's manager
   * @param ids one row per text, each at most the context length; CLIP pools at the position of the
   *     largest id (the first end-of-text token), as the reference's {@code argmax} does
   * @param fullContext run all positions of the rows instead of stopping at the last end-of-text
   *     token (for tests that prove the two agree)
   * @return {@code [rows, embed]} unnormalised text features
   */
  float[] encode(NDManager manager, long[][] ids, boolean fullContext) {
    TokenRows tokens = TokenRows.of(ids, config, fullContext);
    int rows = tokens.rows();
    int length = tokens.length();
    long[] flat = tokens.ids();
    int width = config.transformer().width();
    NDArray idArray = manager.create(flat, new Shape(rows, length));
    NDArray embedded = lookup(idArray, tokenEmbedding);
    idArray.close();
    NDArray pos = positions.get(manager, new ai.djl.ndarray.index.NDIndex("0:{}", length));
    NDArray x = embedded.add(pos);
    embedded.close();
    pos.close();
    NDArray out = transformer.forward(x, config.causal());
    NDArray normed = transformer.layerNorm(out, lnFinalWeight, lnFinalBias);
    out.close();
    long[] poolIndex = tokens.flatPoolIndex();
    NDArray flatOut = normed.reshape(rows * (long) length, width);
    normed.close();
    NDArray poolArray = manager.create(poolIndex);
    NDArray pooled = lookup(poolArray, flatOut);
    poolArray.close();
    flatOut.close();
    NDArray projected = pooled.matMul(projection);
    pooled.close();
    if (projectionBias != null) {
      projected.addi(projectionBias);
    }
    float[] result = projected.toFloatArray();
    projected.close();
    return result;
  }

  /** Row lookup {@code table[ids]}, attached to the manager of {@code ids}. */
  private static NDArray lookup(NDArray ids, NDArray table) {
    NDArray longIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    return ids.getNDArrayInternal()
        .embedding(longIds, table, SparseFormat.DENSE)
        .singletonOrThrow();
  }
}
