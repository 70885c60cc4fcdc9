package dev.glimpse.core.clip;

import java.util.Locale;

/**
 * Geometry of a CLIP-style model (CLIP, SigLIP, SigLIP 2), read from its checkpoint's config and
 * never from constants.
 */
public record ClipConfig(int embedDim, VisionConfig vision, TextConfig text, ModelFamily family) {

  public ClipConfig {
    if (embedDim <= 0) {
      throw new IllegalArgumentException("embedding dimension must be positive: " + embedDim);
    }
    java.util.Objects.requireNonNull(family, "family");
    if (vision.head() == VisionHead.MAP && embedDim != vision.transformer().width()) {
      throw new IllegalArgumentException(
          "a MAP-pooled image tower has no projection, so the embedding dimension "
              + embedDim
              + " must equal the vision width "
              + vision.transformer().width());
    }
  }

  /** A CLIP model. */
  public ClipConfig(int embedDim, VisionConfig vision, TextConfig text) {
    this(embedDim, vision, text, ModelFamily.CLIP);
  }

  /** A short human-readable summary, e.g. for {@code glimpse status}. */
  public String summary() {
    TransformerConfig v = vision.transformer();
    TransformerConfig t = text.transformer();
    String act = v.activation().name().toLowerCase(java.util.Locale.ROOT);
    if (t.activation() != v.activation()) {
      act += "/" + t.activation().name().toLowerCase(java.util.Locale.ROOT);
    }
    return String.format(
        Locale.ROOT,
        "%s ViT %dpx/%d width %d x%d layers, text width %d x%d layers, embed %d, %s",
        family.label(),
        vision.imageSize(),
        vision.patchSize(),
        v.width(),
        v.layers(),
        t.width(),
        t.layers(),
        embedDim,
        act);
  }
}
