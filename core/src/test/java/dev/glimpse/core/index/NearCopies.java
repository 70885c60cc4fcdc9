package dev.glimpse.core.index;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Makes the near copies a photo library accumulates: resized and re-encoded versions. */
final class NearCopies {
  private NearCopies() {}

  /** The photo scaled by {@code factor} (bicubic), written as JPEG at {@code quality}. */
  static Path resized(Path photo, double factor, float quality, Path out) throws IOException {
    BufferedImage src = ImageIO.read(photo.toFile());
    int w = Math.max(1, (int) Math.round(src.getWidth() * factor));
    int h = Math.max(1, (int) Math.round(src.getHeight() * factor));
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    writeJpeg(dst, quality, out);
    return out;
  }

  /** The photo at its own size, re-encoded as JPEG at {@code quality}. */
  static Path reencoded(Path photo, float quality, Path out) throws IOException {
    BufferedImage src = ImageIO.read(photo.toFile());
    BufferedImage rgb =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    writeJpeg(rgb, quality, out);
    return out;
  }

  private static void writeJpeg(BufferedImage image, float quality, Path out) throws IOException {
    Files.createDirectories(out.getParent());
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out.toFile())) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
