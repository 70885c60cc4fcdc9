package dev.glimpse.core.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * OpenAI CLIP's image preprocessing ({@code clip._transform(n_px)}): resize the shorter side with
 * Pillow's BICUBIC, centre crop, convert to RGB, scale to [0, 1] and normalise, giving a CHW
 * float32 array.
 *
 * <p>Channel conversion follows Pillow's {@code convert("RGB")}: L is replicated into three
 * channels, RGBA drops alpha without compositing (the image is resized premultiplied before, so
 * fully transparent areas come out black). Where the crop is larger than the resized image the
 * missing pixels are zeros before normalisation, as torchvision's {@code CenterCrop} pads.
 *
 * <p>Known deliberate difference from the reference: Pillow resizes palette ("P") images with
 * NEAREST; {@link ImageDecoder} expands palettes to RGB/RGBA first, so they are resized with
 * BICUBIC here.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ClipPreprocessor {

  private final PreprocessConfig config;
  private final ImageDecoder decoder;

  /**
   * Creates a preprocessor that decodes files with a default {@link ImageDecoder}.
   *
   * @param config sizes, mean and std
   */
  public ClipPreprocessor(PreprocessConfig config) {
    this(config, new ImageDecoder());
  }

  /**
   * Creates a preprocessor.
   *
   * @param config sizes, mean and std
   * @param decoder decoder used by {@link #preprocess(Path)}
   */
  public ClipPreprocessor(PreprocessConfig config, ImageDecoder decoder) {
    this.config = Objects.requireNonNull(config, "config");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public PreprocessConfig config() {
    return config;
  }

  /**
   * Decodes and preprocesses an image file.
   *
   * @param file the image
   * @return {@code 3 * cropSize * cropSize} floats, CHW
   * @throws ImageDecodeException if the file cannot be decoded
   * @throws IOException if the file cannot be read
   */
  public float[] preprocess(Path file) throws IOException {
    return preprocess(decoder.decode(file));
  }

  /**
   * Preprocesses a decoded image.
   *
   * @param image the image
   * @return {@code 3 * cropSize * cropSize} floats, CHW
   */
  public float[] preprocess(DecodedImage image) {
    float[] out = new float[config.outputLength()];
    preprocessInto(image, out, 0);
    return out;
  }

  /**
   * Preprocesses a decoded image into a caller's array, e.g. one slot of a batch.
   *
   * @param image the image
   * @param out destination
   * @param offset index in {@code out} of the first of {@code 3 * cropSize * cropSize} values
   */
  public void preprocessInto(DecodedImage image, float[] out, int offset) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(out, "out");
    int length = config.outputLength();
    if (offset < 0 || offset > out.length - length) {
      throw new IndexOutOfBoundsException(
          "need " + length + " floats at offset " + offset + " in an array of " + out.length);
    }
    CropGeometry g = geometry(image);
    // Only the part of the resized image inside the crop is computed (the same values).
    int left = Math.max(g.cropLeft(), 0);
    int top = Math.max(g.cropTop(), 0);
    int right = Math.min(g.cropLeft() + g.cropSize(), g.resizedWidth());
    int bottom = Math.min(g.cropTop() + g.cropSize(), g.resizedHeight());
    DecodedImage region =
        PillowResampler.resizeRegion(
            image, g.resizedWidth(), g.resizedHeight(), left, top, right - left, bottom - top);
    writeNormalized(region, left - g.cropLeft(), top - g.cropTop(), g.cropSize(), out, offset);
  }

  /**
   * Returns where this preprocessor resizes and crops an image.
   *
   * @param image the image
   * @return the geometry
   */
  public CropGeometry geometry(DecodedImage image) {
    return CropGeometry.of(image.width(), image.height(), config);
  }

  /**
   * Writes the crop, CHW: the region's pixels at ({@code x0}, {@code y0}) in the crop, the padding
   * around them (where the crop is larger than the resized image) as zeros before normalisation.
   */
  private void writeNormalized(
      DecodedImage region, int x0, int y0, int crop, float[] out, int offset) {
    int plane = crop * crop;
    int channels = region.channels();
    int width = region.width();
    int height = region.height();
    byte[] samples = region.samples();
    float[] normalized = new float[256];
    for (int c = 0; c < 3; c++) {
      float mean = config.meanAt(c);
      float std = config.stdAt(c);
      for (int v = 0; v < 256; v++) {
        normalized[v] = (v / 255f - mean) / std;
      }
      int sourceChannel = channels == 1 ? 0 : c;
      int planeStart = offset + c * plane;
      java.util.Arrays.fill(out, planeStart, planeStart + plane, (0f - mean) / std);
      for (int y = 0; y < height; y++) {
        int o = planeStart + (y + y0) * crop + x0;
        int s = y * width * channels + sourceChannel;
        for (int x = 0; x < width; x++, s += channels) {
          out[o + x] = normalized[samples[s] & 0xFF];
        }
      }
    }
  }
}
