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
   * Decodes an image file at reduced resolution where the codec allows ({@link
   * ImageDecoder#decodeDownscaled(Path, int)} with the resize size) and preprocesses it: the fast
   * path for indexing. Not bit-exact to {@link #preprocess(Path)}, which matches the reference.
   *
   * @param file the image
   * @return {@code 3 * cropSize * cropSize} floats, CHW
   * @throws ImageDecodeException if the file cannot be read or decoded
   */
  public float[] preprocessDownscaled(Path file) throws ImageDecodeException {
    return preprocess(decoder.decodeDownscaled(file, config.shortestEdge()));
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
    CropGeometry geometry = geometry(image);
    DecodedImage resized =
        PillowResampler.resize(image, geometry.resizedWidth(), geometry.resizedHeight());
    writeNormalized(resized, geometry, out, offset);
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

  private void writeNormalized(DecodedImage resized, CropGeometry g, float[] out, int offset) {
    int crop = g.cropSize();
    int plane = crop * crop;
    int channels = resized.channels();
    byte[] samples = resized.samples();
    for (int c = 0; c < 3; c++) {
      float mean = config.meanAt(c);
      float std = config.stdAt(c);
      int sourceChannel = channels == 1 ? 0 : c;
      float padded = (0f - mean) / std;
      int planeStart = offset + c * plane;
      for (int y = 0; y < crop; y++) {
        int sy = y + g.cropTop();
        for (int x = 0; x < crop; x++) {
          int sx = x + g.cropLeft();
          float value;
          if (sx < 0 || sy < 0 || sx >= resized.width() || sy >= resized.height()) {
            value = padded;
          } else {
            int sample = samples[(sy * resized.width() + sx) * channels + sourceChannel] & 0xFF;
            value = (sample / 255f - mean) / std;
          }
          out[planeStart + y * crop + x] = value;
        }
      }
    }
  }
}
