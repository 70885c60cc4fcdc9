package dev.glimpse.core.image;

/**
 * A port of Pillow's {@code Image.resize(size, Image.BICUBIC)} for 8-bit images (Pillow's {@code
 * libImaging/Resample.c}, unchanged in behaviour from Pillow 9.4 to 12), written from its
 * description.
 *
 * <ul>
 *   <li>Keys cubic convolution with {@code a = -0.5} and support 2; when shrinking, the support is
 *       widened by the scale factor (antialiasing);
 *   <li>separable: a horizontal pass over only the source rows the vertical pass needs, then a
 *       vertical pass; a pass whose dimension does not change is skipped;
 *   <li>weights normalised to sum 1, then converted to 22-bit fixed point (rounded away from zero);
 *       each pass rounds and clamps its results to 0..255;
 *   <li>RGBA images are resized premultiplied (Pillow's RGBA to RGBa, resize, RGBa to RGBA).
 * </ul>
 *
 * <p>The result is bit-identical to Pillow's for L, RGB and RGBA images.
 */
public final class PillowResampler {

  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double FIXED_ONE = 1 << PRECISION_BITS;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final double BICUBIC_SUPPORT = 2.0;
  private static final double A = -0.5;

  private PillowResampler() {}

  /**
   * Resizes an image with Pillow's BICUBIC filter.
   *
   * @param image the source image, in any {@link PixelMode}
   * @param width target width, positive
   * @param height target height, positive
   * @return a new image of the same mode; {@code image} itself when the size is unchanged
   */
  public static DecodedImage resize(DecodedImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (width == image.width() && height == image.height()) {
      return image;
    }
    boolean premultiply = image.mode() == PixelMode.RGBA;
    byte[] samples = premultiply ? Premultiplied.premultiply(image.samples()) : image.samples();
    byte[] resized =
        resample(samples, image.width(), image.height(), image.channels(), width, height);
    if (premultiply) {
      Premultiplied.unpremultiplyInPlace(resized);
    }
    return new DecodedImage(width, height, image.mode(), resized);
  }

  private static byte[] resample(
      byte[] in, int inWidth, int inHeight, int channels, int outWidth, int outHeight) {
    boolean needHorizontal = outWidth != inWidth;
    boolean needVertical = outHeight != inHeight;
    Coefficients vertical = Coefficients.bicubic(inHeight, outHeight);
    int firstRow = vertical.first(0);
    int lastRow = vertical.first(outHeight - 1) + vertical.count(outHeight - 1);

    byte[] current = in;
    int currentWidth = inWidth;
    int rowOffset = 0;
    if (needHorizontal) {
      Coefficients horizontal = Coefficients.bicubic(inWidth, outWidth);
      current = horizontalPass(in, inWidth, channels, firstRow, lastRow, horizontal, outWidth);
      currentWidth = outWidth;
      rowOffset = firstRow;
    }
    if (needVertical) {
      current = verticalPass(current, currentWidth, channels, rowOffset, vertical, outHeight);
    }
    return current;
  }

  private static byte[] horizontalPass(
      byte[] in,
      int inWidth,
      int channels,
      int firstRow,
      int lastRow,
      Coefficients coefficients,
      int outWidth) {
    int rows = lastRow - firstRow;
    byte[] out = new byte[rows * outWidth * channels];
    int[] weights = coefficients.weights;
    // Integer sums are exact, so the order of accumulation does not change the result; the
    // channel count gets its own loop so the sums stay in registers.
    for (int row = 0; row < rows; row++) {
      int inRowStart = (row + firstRow) * inWidth * channels;
      int outRowStart = row * outWidth * channels;
      for (int xx = 0; xx < outWidth; xx++) {
        int first = inRowStart + coefficients.first(xx) * channels;
        int count = coefficients.count(xx);
        int w0 = coefficients.weightStart(xx);
        int o = outRowStart + xx * channels;
        if (channels == 3) {
          int s0 = HALF;
          int s1 = HALF;
          int s2 = HALF;
          for (int x = 0, p = first; x < count; x++, p += 3) {
            int w = weights[w0 + x];
            s0 += (in[p] & 0xFF) * w;
            s1 += (in[p + 1] & 0xFF) * w;
            s2 += (in[p + 2] & 0xFF) * w;
          }
          out[o] = clip8(s0);
          out[o + 1] = clip8(s1);
          out[o + 2] = clip8(s2);
        } else {
          for (int c = 0; c < channels; c++) {
            int sum = HALF;
            for (int x = 0, p = first + c; x < count; x++, p += channels) {
              sum += (in[p] & 0xFF) * weights[w0 + x];
            }
            out[o + c] = clip8(sum);
          }
        }
      }
    }
    return out;
  }

  private static byte[] verticalPass(
      byte[] in, int width, int channels, int rowOffset, Coefficients coefficients, int outHeight) {
    int rowLength = width * channels;
    byte[] out = new byte[outHeight * rowLength];
    int[] sums = new int[rowLength];
    int[] weights = coefficients.weights;
    // Row by row over the contributing source rows: sequential memory access that the JIT
    // vectorises; integer sums make the result identical to a per-sample loop.
    for (int yy = 0; yy < outHeight; yy++) {
      int first = coefficients.first(yy) - rowOffset;
      int count = coefficients.count(yy);
      int w0 = coefficients.weightStart(yy);
      java.util.Arrays.fill(sums, HALF);
      for (int y = 0; y < count; y++) {
        int w = weights[w0 + y];
        int src = (first + y) * rowLength;
        for (int i = 0; i < rowLength; i++) {
          sums[i] += (in[src + i] & 0xFF) * w;
        }
      }
      int outRowStart = yy * rowLength;
      for (int i = 0; i < rowLength; i++) {
        out[outRowStart + i] = clip8(sums[i]);
      }
    }
    return out;
  }

  private static byte clip8(int fixedPoint) {
    int value = fixedPoint >> PRECISION_BITS;
    return (byte) (value < 0 ? 0 : Math.min(value, 255));
  }

  static double bicubic(double x) {
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * A;
    }
    return 0.0;
  }

  /**
   * Fixed-point filter weights for one axis: for each output position, the first contributing
   * source position, how many contribute, and their weights at {@code index * kernelSize}.
   */
  private static final class Coefficients {
    private final int kernelSize;
    private final int[] bounds;
    private final int[] weights;

    private Coefficients(int kernelSize, int[] bounds, int[] weights) {
      this.kernelSize = kernelSize;
      this.bounds = bounds;
      this.weights = weights;
    }

    static Coefficients bicubic(int inSize, int outSize) {
      // Pillow computes (double)(in1 - in0) with float box edges; exact for the sizes we allow.
      double scale = (double) ((float) inSize - 0f) / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = BICUBIC_SUPPORT * filterScale;
      int kernelSize = (int) Math.ceil(support) * 2 + 1;
      if ((long) outSize * kernelSize > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("resize kernel too large for " + outSize + " outputs");
      }
      double inverseFilterScale = 1.0 / filterScale;
      int[] bounds = new int[outSize * 2];
      int[] weights = new int[outSize * kernelSize];
      double[] k = new double[kernelSize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize);
        int count = max - min;
        double total = 0.0;
        for (int x = 0; x < count; x++) {
          double w = PillowResampler.bicubic((x + min - center + 0.5) * inverseFilterScale);
          k[x] = w;
          total += w;
        }
        for (int x = 0; x < count; x++) {
          double w = total != 0.0 ? k[x] / total : k[x];
          weights[xx * kernelSize + x] =
              w < 0 ? (int) (-0.5 + w * FIXED_ONE) : (int) (0.5 + w * FIXED_ONE);
        }
        bounds[xx * 2] = min;
        bounds[xx * 2 + 1] = count;
      }
      return new Coefficients(kernelSize, bounds, weights);
    }

    int first(int index) {
      return bounds[index * 2];
    }

    int count(int index) {
      return bounds[index * 2 + 1];
    }

    int weightStart(int index) {
      return index * kernelSize;
    }
  }
}
