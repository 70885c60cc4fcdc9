package dev.glimpse.api;

import dev.glimpse.core.image.DecodedImage;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.image.ImageDecoder;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders JPEG thumbnails: decoded upright (EXIF orientation applied by the decoder), scaled so the
 * longer side is at most the requested size (never enlarged), transparency flattened onto white.
 */
final class ThumbnailRenderer {
  /** Smallest thumbnail size accepted. */
  static final int MIN_SIZE = 64;

  /** Largest thumbnail size accepted. */
  static final int MAX_SIZE = 1024;

  /** Size when none is asked for. */
  static final int DEFAULT_SIZE = 256;

  private static final float QUALITY = 0.85f;

  private final ImageDecoder decoder;

  ThumbnailRenderer(ImageDecoder decoder) {
    this.decoder = decoder;
  }

  /** A JPEG whose longer side is {@code min(size, original longer side)}. */
  byte[] render(byte[] encoded, String name, int size) throws ImageDecodeException {
    DecodedImage image = decoder.decodeDownscaled(encoded, name, size);
    BufferedImage rgb = toRgb(image);
    double scale = Math.min(1.0, (double) size / Math.max(rgb.getWidth(), rgb.getHeight()));
    int w = Math.max(1, (int) Math.round(rgb.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(rgb.getHeight() * scale));
    return jpeg(resize(rgb, w, h));
  }

  private static BufferedImage toRgb(DecodedImage image) {
    int w = image.width();
    int h = image.height();
    int channels = image.channels();
    byte[] s = image.samples();
    int[] argb = new int[w * h];
    for (int i = 0; i < w * h; i++) {
      int o = i * channels;
      int r;
      int g;
      int b;
      if (channels == 1) {
        r = g = b = s[o] & 0xFF;
      } else {
        r = s[o] & 0xFF;
        g = s[o + 1] & 0xFF;
        b = s[o + 2] & 0xFF;
        if (channels == 4) {
          int a = s[o + 3] & 0xFF;
          r = (r * a + 255 * (255 - a)) / 255;
          g = (g * a + 255 * (255 - a)) / 255;
          b = (b * a + 255 * (255 - a)) / 255;
        }
      }
      argb[i] = (r << 16) | (g << 8) | b;
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, argb, 0, w);
    return out;
  }

  /** Halves with bilinear filtering until close, then one final bilinear step: no aliasing. */
  private static BufferedImage resize(BufferedImage src, int w, int h) {
    BufferedImage current = src;
    while (current.getWidth() / 2 >= w && current.getHeight() / 2 >= h) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    if (current.getWidth() != w || current.getHeight() != h) {
      current = draw(current, w, h);
    }
    return current;
  }

  private static BufferedImage draw(BufferedImage src, int w, int h) {
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  private static byte[] jpeg(BufferedImage image) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a JPEG thumbnail", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
