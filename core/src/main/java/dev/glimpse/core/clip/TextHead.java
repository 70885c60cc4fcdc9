package dev.glimpse.core.clip;

/** How a text tower attends and pools. */
public enum TextHead {
  /**
   * CLIP: causal attention, pooling at the first end-of-text token, a projection without bias. A
   * row needs computing only up to its end-of-text token.
   */
  END_OF_TEXT,
  /**
   * SigLIP: no causal and no padding mask, pooling at the last position of the context (a pad or
   * the end-of-sequence token), a projection with bias. Every position of the context is computed.
   */
  LAST
}
