package dev.glimpse.core.clip;

/**
 * The ViT image tower: square input of {@code imageSize} pixels cut into {@code patchSize} patches.
 */
public record VisionConfig(int imageSize, int patchSize, TransformerConfig transformer) {

  public VisionConfig {
    if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "image size " + imageSize + " must be a positive multiple of patch size " + patchSize);
    }
  }

  /** Patches per side. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Sequence length: one class token plus one token per patch. */
  public int tokens() {
    return grid() * grid() + 1;
  }
}
