package dev.glimpse.core.image;

/**
 * CLIP image preprocessing: resize the shortest side, centre-crop a square, normalise per channel.
 */
public record PreprocessConfig(int shortestEdge, int cropSize, float[] mean, float[] std) {

  public PreprocessConfig {
    if (shortestEdge <= 0 || cropSize <= 0) {
      throw new IllegalArgumentException(
          "preprocess sizes must be positive: shortest edge "
              + shortestEdge
              + ", crop "
              + cropSize);
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("preprocess mean and std need 3 values each");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("preprocess std must be positive: " + s);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** OpenAI CLIP's normalisation at the given size. */
  public static PreprocessConfig clip(int size) {
    return new PreprocessConfig(
        size,
        size,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f});
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }
}
