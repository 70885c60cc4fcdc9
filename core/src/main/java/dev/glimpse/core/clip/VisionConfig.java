package dev.glimpse.core.clip;

/**
 * The ViT image tower: square input of {@code imageSize} pixels cut into {@code patchSize} patches,
 * pooled by {@code head}.
 */
public record VisionConfig(
    int imageSize, int patchSize, TransformerConfig transformer, VisionHead head) {

  public VisionConfig {
    if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "image size " + imageSize + " must be a positive multiple of patch size " + patchSize);
    }
    java.util.Objects.requireNonNull(head, "head");
  }

  /** A CLIP (class-token) image tower. */
  public VisionConfig(int imageSize, int patchSize, TransformerConfig transformer) {
    this(imageSize, patchSize, transformer, VisionHead.CLASS_TOKEN);
  }

  /** Patches per side. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Sequence length: one token per patch, plus the class token where the head has one. */
  public int tokens() {
    return grid() * grid() + (head == VisionHead.CLASS_TOKEN ? 1 : 0);
  }
}
