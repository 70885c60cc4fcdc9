package dev.glimpse.core.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parameters of the image preprocessing of a CLIP or SigLIP model.
 *
 * @param shortestEdge the shorter image side is resized to this many pixels ({@link
 *     ResizeMode#SHORTEST_THEN_CROP}); for {@link ResizeMode#SQUASH} it equals {@code cropSize}
 * @param cropSize side of the square centre crop, or of the square the image is squashed to
 * @param mean per-channel (R, G, B) mean subtracted after scaling samples to [0, 1]
 * @param std per-channel (R, G, B) standard deviation divided by, all positive
 * @param resizeMode how the image is fitted to the square input
 */
public record PreprocessConfig(
    int shortestEdge, int cropSize, float[] mean, float[] std, ResizeMode resizeMode) {

  /** How an image is fitted to the model's square input. */
  public enum ResizeMode {
    /** CLIP: resize the shorter side, keeping the aspect ratio, then crop the centre square. */
    SHORTEST_THEN_CROP,
    /**
     * SigLIP (open_clip {@code resize_mode "squash"}, transformers' {@code SiglipImageProcessor}):
     * width and height are resized independently to the square; nothing is cropped.
     */
    SQUASH
  }

  // OpenAI's published normalisation constants, spelled as published (float rounds the last digit).
  @SuppressWarnings("FloatingPointLiteralPrecision")
  private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  @SuppressWarnings("FloatingPointLiteralPrecision")
  private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** Validates the values and takes defensive copies of the arrays. */
  public PreprocessConfig {
    if (shortestEdge <= 0) {
      throw new IllegalArgumentException("shortestEdge must be positive, got " + shortestEdge);
    }
    if (cropSize <= 0) {
      throw new IllegalArgumentException("cropSize must be positive, got " + cropSize);
    }
    Objects.requireNonNull(resizeMode, "resizeMode");
    if (resizeMode == ResizeMode.SQUASH && shortestEdge != cropSize) {
      throw new IllegalArgumentException(
          "a squash resize has one size, got " + shortestEdge + " and " + cropSize);
    }
    mean = checkTriple("mean", mean).clone();
    std = checkTriple("std", std).clone();
    for (int c = 0; c < 3; c++) {
      if (!Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
      }
      if (!(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException(
            "std[" + c + "] must be positive and finite, got " + std[c]);
      }
    }
  }

  /** A resize of the shorter side then a centre crop (CLIP). */
  public PreprocessConfig(int shortestEdge, int cropSize, float[] mean, float[] std) {
    this(shortestEdge, cropSize, mean, std, ResizeMode.SHORTEST_THEN_CROP);
  }

  /**
   * A squash resize to {@code size x size}, then normalisation (SigLIP).
   *
   * @param size the model's input resolution
   * @param mean per-channel mean
   * @param std per-channel standard deviation
   * @return the configuration
   */
  public static PreprocessConfig squash(int size, float[] mean, float[] std) {
    return new PreprocessConfig(size, size, mean, std, ResizeMode.SQUASH);
  }

  /**
   * The OpenAI CLIP preprocessing: resize the shorter side to {@code size}, crop {@code size x
   * size}, normalise with the CLIP mean and std.
   *
   * @param size the model's input resolution ({@code n_px}), e.g. 224
   * @return the configuration
   */
  public static PreprocessConfig clip(int size) {
    return new PreprocessConfig(size, size, CLIP_MEAN, CLIP_STD);
  }

  /**
   * A short description for index manifests: {@code clip(224)} for a resize and centre crop, {@code
   * squash(224)} for SigLIP's squash resize.
   *
   * @return the description
   */
  public String describe() {
    return (resizeMode == ResizeMode.SQUASH ? "squash(" : "clip(") + cropSize + ")";
  }

  /**
   * Returns a copy of the per-channel mean.
   *
   * @return three values, R, G, B
   */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /**
   * Returns a copy of the per-channel standard deviation.
   *
   * @return three values, R, G, B
   */
  @Override
  public float[] std() {
    return std.clone();
  }

  /**
   * Returns the number of floats one preprocessed image occupies, {@code 3 * cropSize^2}.
   *
   * @return the length of the CHW output
   */
  public int outputLength() {
    return 3 * cropSize * cropSize;
  }

  float meanAt(int channel) {
    return mean[channel];
  }

  float stdAt(int channel) {
    return std[channel];
  }

  private static float[] checkTriple(String name, float[] values) {
    Objects.requireNonNull(values, name);
    if (values.length != 3) {
      throw new IllegalArgumentException(
          name + " must have 3 values (R, G, B), got " + Arrays.toString(values));
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessConfig other
        && shortestEdge == other.shortestEdge
        && cropSize == other.cropSize
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std)
        && resizeMode == other.resizeMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        shortestEdge, cropSize, Arrays.hashCode(mean), Arrays.hashCode(std), resizeMode);
  }

  @Override
  public String toString() {
    return "PreprocessConfig[shortestEdge="
        + shortestEdge
        + ", cropSize="
        + cropSize
        + ", mean="
        + Arrays.toString(mean)
        + ", std="
        + Arrays.toString(std)
        + ", resizeMode="
        + resizeMode
        + "]";
  }
}
