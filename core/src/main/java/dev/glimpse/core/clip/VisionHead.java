package dev.glimpse.core.clip;

/** How an image tower turns its tokens into one image feature. */
public enum VisionHead {
  /**
   * CLIP: a learned class token is prepended, {@code ln_pre} before the blocks, {@code ln_post} on
   * the class token's output, then a projection to the embedding width.
   */
  CLASS_TOKEN,
  /**
   * SigLIP: no class token and no {@code ln_pre}, a patch convolution with bias, {@code ln_post} on
   * every token, then a multi-head attention-pooling (MAP) head: one learned probe attends over the
   * tokens, followed by a LayerNorm-MLP residual. The probe's output is the feature; there is no
   * projection.
   */
  MAP
}
