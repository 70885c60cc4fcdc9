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
 *       vertical pass; a pass whose dimension does not change is skipped; {@link #resizeRegion}
 *       computes only the pixels of a rectangle of the result (e.g. the CLIP centre crop);
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
    return resizeRegion(image, width, height, 0, 0, width, height);
  }

  /**
   * Returns one rectangle of what {@link #resize} would give, computing only its pixels: each
   * output pixel depends on the source alone, so the values are the same as resizing the whole
   * image and cropping it (a centre crop drops a quarter to a third of a photo's resized pixels).
   *
   * @param image the source image, in any {@link PixelMode}
   * @param width target width of the whole resized image, positive
   * @param height target height of the whole resized image, positive
   * @param left left edge of the rectangle in the resized image, at least 0
   * @param top top edge of the rectangle, at least 0
   * @param regionWidth width of the rectangle, positive, with {@code left + regionWidth <= width}
   * @param regionHeight height of the rectangle, positive, with {@code top + regionHeight <=
   *     height}
   * @return a new image of the same mode and of the rectangle's size
   */
  public static DecodedImage resizeRegion(
      DecodedImage image,
      int width,
      int height,
      int left,
      int top,
      int regionWidth,
      int regionHeight) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + width + "x" + height);
    }
    if (left < 0
        || top < 0
        || regionWidth <= 0
        || regionHeight <= 0
        || left > width - regionWidth
        || top > height - regionHeight) {
      throw new IllegalArgumentException(
          "region "
              + regionWidth
              + "x"
              + regionHeight
              + " at ("
              + left
              + ", "
              + top
              + ") is not inside "
              + width
              + "x"
              + height);
    }
    // Like Pillow, an image already at the target size is not resized, so RGBA is not
    // premultiplied either (that would lose the colour of transparent pixels).
    boolean premultiply =
        image.mode() == PixelMode.RGBA && (width != image.width() || height != image.height());
    byte[] samples = premultiply ? Premultiplied.premultiply(image.samples()) : image.samples();
    Region region = new Region(width, height, left, top, regionWidth, regionHeight);
    byte[] resized = resample(samples, image.width(), image.height(), image.channels(), region);
    if (premultiply) {
      Premultiplied.unpremultiplyInPlace(resized);
    }
    return new DecodedImage(regionWidth, regionHeight, image.mode(), resized);
  }

  /** The rectangle [left, left + width) x [top, top + height) of a resized image outW x outH. */
  private record Region(int outWidth, int outHeight, int left, int top, int width, int height) {}

  private static byte[] resample(
      byte[] in, int inWidth, int inHeight, int channels, Region region) {
    boolean needHorizontal = region.outWidth() != inWidth;
    boolean needVertical = region.outHeight() != inHeight;
    Coefficients vertical =
        needVertical ? Coefficients.bicubic(inHeight, region.outHeight()) : null;
    int firstRow = region.top();
    int lastRow = region.top() + region.height();
    if (needVertical) {
      int bottom = lastRow - 1;
      firstRow = vertical.first(region.top());
      lastRow = vertical.first(bottom) + vertical.count(bottom);
    }
    // The source rows the vertical pass reads (all rows of the region without one), with only the
    // region's columns: resized horizontally, or copied where the width does not change.
    byte[] current =
        needHorizontal
            ? horizontalPass(
                in,
                inWidth,
                channels,
                firstRow,
                lastRow,
                Coefficients.bicubic(inWidth, region.outWidth()),
                region.left(),
                region.width())
            : columns(in, inWidth, channels, firstRow, lastRow, region.left(), region.width());
    if (needVertical) {
      current =
          verticalPass(
              current, region.width(), channels, firstRow, vertical, region.top(), region.height());
    }
    return current;
  }

  private static byte[] columns(
      byte[] in, int inWidth, int channels, int firstRow, int lastRow, int left, int width) {
    int rowLength = width * channels;
    byte[] out = new byte[(lastRow - firstRow) * rowLength];
    for (int row = firstRow; row < lastRow; row++) {
      System.arraycopy(
          in, (row * inWidth + left) * channels, out, (row - firstRow) * rowLength, rowLength);
    }
    return out;
  }

  private static byte[] horizontalPass(
      byte[] in,
      int inWidth,
      int channels,
      int firstRow,
      int lastRow,
      Coefficients coefficients,
      int left,
      int outWidth) {
    int rows = lastRow - firstRow;
    byte[] out = new byte[rows * outWidth * channels];
    int[] weights = coefficients.weights;
    // Integer sums are exact, so the order of accumulation does not change the result; the
    // channel count gets its own loop so the sums stay in registers.
    for (int row = 0; row < rows; row++) {
      int inRowStart = (row + firstRow) * inWidth * channels;
      int outRowStart = row * outWidth * channels;
      for (int i = 0; i < outWidth; i++) {
        int xx = left + i;
        int first = inRowStart + coefficients.first(xx) * channels;
        int count = coefficients.count(xx);
        int w0 = coefficients.weightStart(xx);
        int o = outRowStart + i * channels;
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
      byte[] in,
      int width,
      int channels,
      int rowOffset,
      Coefficients coefficients,
      int top,
      int outHeight) {
    int rowLength = width * channels;
    byte[] out = new byte[outHeight * rowLength];
    int[] sums = new int[rowLength];
    int[] weights = coefficients.weights;
    // Row by row over the contributing source rows: sequential memory access that the JIT
    // vectorises; integer sums make the result identical to a per-sample loop.
    for (int row = 0; row < outHeight; row++) {
      int yy = top + row;
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
      int outRowStart = row * rowLength;
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
