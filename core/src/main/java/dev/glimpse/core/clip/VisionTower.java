package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The ViT image tower on libtorch. CLIP ({@link VisionHead#CLASS_TOKEN}): patch embedding, class
 * token, positions, {@code ln_pre}, the transformer, {@code ln_post} on the class token, and the
 * projection. SigLIP ({@link VisionHead#MAP}): patch embedding with bias, positions, the
 * transformer, {@code ln_post} on every token and the {@link MapHead}.
 */
final class VisionTower {
  private final VisionConfig config;
  private final NDArray patchWeight; // [3*P*P, W]: the stride-P convolution as a matrix
  private final NDArray patchBias; // [W], MAP only
  private final NDArray classEmbedding; // [W]
  private final NDArray positions; // [T, W]
  private final NDArray lnPreWeight;
  private final NDArray lnPreBias;
  private final NDArray lnPostWeight;
  private final NDArray lnPostBias;
  private final NDArray projection; // [W, E]
  private final Transformer transformer;
  private final MapHead mapHead; // MAP only

  /** A CLIP tower. */
  VisionTower(
      VisionConfig config,
      NDArray patchWeight,
      NDArray classEmbedding,
      NDArray positions,
      NDArray lnPreWeight,
      NDArray lnPreBias,
      NDArray lnPostWeight,
      NDArray lnPostBias,
      NDArray projection,
      Transformer transformer) {
    this.config = config;
    this.patchWeight = patchWeight;
    this.patchBias = null;
    this.mapHead = null;
    this.classEmbedding = classEmbedding;
    this.positions = positions;
    this.lnPreWeight = lnPreWeight;
    this.lnPreBias = lnPreBias;
    this.lnPostWeight = lnPostWeight;
    this.lnPostBias = lnPostBias;
    this.projection = projection;
    this.transformer = transformer;
  }

  /** A SigLIP tower. */
  VisionTower(
      VisionConfig config,
      NDArray patchWeight,
      NDArray patchBias,
      NDArray positions,
      NDArray lnPostWeight,
      NDArray lnPostBias,
      Transformer transformer,
      MapHead mapHead) {
    this.config = config;
    this.patchWeight = patchWeight;
    this.patchBias = patchBias;
    this.positions = positions;
    this.lnPostWeight = lnPostWeight;
    this.lnPostBias = lnPostBias;
    this.transformer = transformer;
    this.mapHead = mapHead;
    this.classEmbedding = null;
    this.lnPreWeight = null;
    this.lnPreBias = null;
    this.projection = null;
  }

  /**
   * Encodes a batch of preprocessed images.
   *
   * @param manager the caller's manager; everything allocated here is attached to it
   * @param pixels {@code count * 3 * S * S} values, CHW per image
   * @return {@code [count, embed]} unnormalised image features
   */
  float[] encode(NDManager manager, float[] pixels, int count) {
    int p = config.patchSize();
    int g = config.grid();
    int width = config.transformer().width();
    NDArray img = manager.create(pixels, new Shape(count, 3, g, p, g, p));
    // A convolution with stride == kernel is a matrix product over non-overlapping patches.
    NDArray patches = img.transpose(0, 2, 4, 1, 3, 5).reshape(count, (long) g * g, 3L * p * p);
    img.close();
    NDArray tokens = patches.matMul(patchWeight);
    patches.close();
    if (mapHead != null) {
      return encodeMap(tokens);
    }
    NDArray zeros = manager.zeros(new Shape(count, 1, width));
    NDArray cls = zeros.add(classEmbedding);
    zeros.close();
    NDArray seq = NDArrays.concat(new NDList(cls, tokens), 1);
    cls.close();
    tokens.close();
    NDArray withPos = seq.add(positions);
    seq.close();
    NDArray x = transformer.layerNorm(withPos, lnPreWeight, lnPreBias);
    withPos.close();
    NDArray out = transformer.forward(x, false);
    NDArray first = out.get(":, 0, :");
    out.close();
    NDArray pooled = transformer.layerNorm(first, lnPostWeight, lnPostBias);
    first.close();
    NDArray projected = pooled.matMul(projection);
    pooled.close();
    float[] result = projected.toFloatArray();
    projected.close();
    return result;
  }

  private float[] encodeMap(NDArray patchTokens) {
    try (NDArray biased = patchTokens.add(patchBias);
        NDArray withPos = biased.add(positions)) {
      patchTokens.close();
      // forward closes its input; withPos's close afterwards is a no-op.
      try (NDArray out = transformer.forward(withPos, false);
          NDArray normed = transformer.layerNorm(out, lnPostWeight, lnPostBias);
          NDArray pooled = mapHead.pool(normed)) {
        return pooled.toFloatArray();
      }
    }
  }
}
