package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * SigLIP's multi-head attention-pooling head on libtorch (timm {@code AttentionPoolLatent},
 * transformers {@code SiglipMultiheadAttentionPoolingHead}): a learned probe attends over the
 * tokens with the tower's head count, the result is projected (no residual around that attention),
 * then {@code y + mlp(ln(y))}. The probe's single output token is the image feature.
 */
final class MapHead {
  private final NDArray probe; // [1, 1, W]
  private final NDArray qWeight; // [W, W]
  private final NDArray qBias;
  private final NDArray kvWeight; // [2W, W]: k then v
  private final NDArray kvBias;
  private final NDArray outWeight;
  private final NDArray outBias;
  private final NDArray lnWeight;
  private final NDArray lnBias;
  private final NDArray fc1Weight;
  private final NDArray fc1Bias;
  private final NDArray fc2Weight;
  private final NDArray fc2Bias;
  private final Transformer stack;

  MapHead(
      NDArray probe,
      NDArray qkvWeight,
      NDArray qkvBias,
      NDArray outWeight,
      NDArray outBias,
      NDArray lnWeight,
      NDArray lnBias,
      NDArray fc1Weight,
      NDArray fc1Bias,
      NDArray fc2Weight,
      NDArray fc2Bias,
      Transformer stack) {
    long w = stack.config().width();
    this.probe = probe.reshape(1, 1, w);
    this.qWeight = qkvWeight.get("0:{}", w);
    this.qBias = qkvBias.get("0:{}", w);
    this.kvWeight = qkvWeight.get("{}:", w);
    this.kvBias = qkvBias.get("{}:", w);
    this.outWeight = outWeight;
    this.outBias = outBias;
    this.lnWeight = lnWeight;
    this.lnBias = lnBias;
    this.fc1Weight = fc1Weight;
    this.fc1Bias = fc1Bias;
    this.fc2Weight = fc2Weight;
    this.fc2Bias = fc2Bias;
    this.stack = stack;
  }

  /**
   * Pools {@code x} {@code [B, T, W]} (after the tower's final LayerNorm) to {@code [B, W]}.
   *
   * @return attached to x's manager; {@code x} is left open
   */
  NDArray pool(NDArray x) {
    long batch = x.getShape().get(0);
    long w = stack.config().width();
    // The probe is broadcast into the caller's manager first, so nothing is allocated in the
    // weights' manager.
    try (NDArray zeros = x.getManager().zeros(new Shape(batch, 1, w));
        NDArray probes = zeros.add(probe);
        NDArray q = Transformer.linear(probes, qWeight, qBias);
        NDArray kv = Transformer.linear(x, kvWeight, kvBias);
        NDArray k = kv.get(":, :, 0:{}", w);
        NDArray v = kv.get(":, :, {}:", w);
        NDArray ctx = stack.attend(q, k, v);
        NDArray y = Transformer.linear(ctx, outWeight, outBias);
        NDArray normed = stack.layerNorm(y, lnWeight, lnBias);
        NDArray m = stack.mlp(normed, fc1Weight, fc1Bias, fc2Weight, fc2Bias);
        NDArray out = y.add(m)) {
      return out.reshape(batch, w);
    }
  }
}
