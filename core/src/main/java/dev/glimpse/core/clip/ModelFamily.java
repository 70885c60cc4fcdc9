package dev.glimpse.core.clip;

import java.util.Locale;

/**
 * The model families Glimpse runs. They differ in how image and text are pooled, in the tokenizer
 * and in what a score means; the index records the family so that queries use the right tokenizer
 * and head.
 */
public enum ModelFamily {
  /** OpenAI-style CLIP: class-token and end-of-text pooling, softmax over a label set. */
  CLIP,
  /** SigLIP (2023): MAP-head image pooling, last-token text pooling, sigmoid scores. */
  SIGLIP,
  /** SigLIP 2 (2025), fixed resolution: SigLIP's architecture with the Gemma tokenizer. */
  SIGLIP2;

  /**
   * Whether the model was trained with a sigmoid loss, so that {@code sigmoid(scale * cos + bias)}
   * is a probability per image-text pair, rather than a softmax over a label set.
   */
  public boolean sigmoid() {
    return this != CLIP;
  }

  /** The lower-case name used in manifests and messages, e.g. {@code siglip2}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #label()}; unknown names fail. */
  public static ModelFamily fromLabel(String label) {
    for (ModelFamily f : values()) {
      if (f.label().equals(label)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown model family '" + label + "'");
  }
}
