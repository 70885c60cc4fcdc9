package dev.glimpse.core.clip;

/** Geometry of a CLIP model, read from its checkpoint's config and never from constants. */
public record ClipConfig(int embedDim, VisionConfig vision, TextConfig text) {

  public ClipConfig {
    if (embedDim <= 0) {
      throw new IllegalArgumentException("embedding dimension must be positive: " + embedDim);
    }
  }

  /** A short human-readable summary, e.g. for {@code glimpse status}. */
  public String summary() {
    TransformerConfig v = vision.transformer();
    TransformerConfig t = text.transformer();
    return String.format(
        "ViT %dpx/%d width %d x%d layers, text width %d x%d layers, embed %d, %s",
        vision.imageSize(),
        vision.patchSize(),
        v.width(),
        v.layers(),
        t.width(),
        t.layers(),
        embedDim,
        v.activation().name().toLowerCase(java.util.Locale.ROOT));
  }
}
