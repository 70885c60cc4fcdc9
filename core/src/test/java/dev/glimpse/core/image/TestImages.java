package dev.glimpse.core.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Builds small encoded images for decoder tests. */
public final class TestImages {

  private TestImages() {}

  /** An RGB image whose left half is {@code left} and right half {@code right}. */
  static BufferedImage halves(int width, int height, Color left, Color right) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(left);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(right);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A 4-entry palette image, optionally with a fully transparent entry 3. */
  static BufferedImage palette(int width, int height, boolean transparent) {
    byte[] r = {(byte) 255, 0, 0, (byte) 200};
    byte[] g = {0, (byte) 255, 0, (byte) 100};
    byte[] b = {0, 0, (byte) 255, 50};
    IndexColorModel model =
        transparent ? new IndexColorModel(2, 4, r, g, b, 3) : new IndexColorModel(2, 4, r, g, b);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, model);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x + y) % 4);
      }
    }
    return image;
  }

  /**
   * Inserts an EXIF APP1 segment holding only an Orientation tag right after the SOI marker of a
   * JPEG.
   */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.BIG_ENDIAN);
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
    tiff.putShort((short) orientation).putShort((short) 0); // value, padding
    tiff.putInt(0); // no next IFD
    byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + exifHeader.length + tiff.capacity();
    ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length);
    out.put(jpeg, 0, 2); // SOI
    out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length);
    out.put(exifHeader).put(tiff.array());
    out.put(jpeg, 2, jpeg.length - 2);
    return out.array();
  }

  /** Inserts an Adobe APP14 segment (transform 0: CMYK, no colour transform) after SOI. */
  static byte[] withAdobeCmykMarker(byte[] jpeg) {
    ByteBuffer out = ByteBuffer.allocate(jpeg.length + 16);
    out.put(jpeg, 0, 2);
    out.put((byte) 0xFF).put((byte) 0xEE).putShort((short) 14);
    out.put("Adobe".getBytes(StandardCharsets.US_ASCII));
    out.putShort((short) 100).putShort((short) 0).putShort((short) 0).put((byte) 0);
    out.put(jpeg, 2, jpeg.length - 2);
    return out.array();
  }

  /** A PNG signature and IHDR chunk (8-bit RGB) claiming the given size, with no pixel data. */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII));
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0);
    ihdr.put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer out = ByteBuffer.allocate(8 + 4 + 17 + 4);
    out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    out.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return out.array();
  }

  /** A CMYK JPEG (4 components, Adobe marker): left half no ink (white), right half cyan. */
  static byte[] cmykJpeg(int width, int height) throws IOException {
    java.awt.image.WritableRaster cmyk =
        java.awt.image.WritableRaster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Adobe CMYK stores ink inverted
        cmyk.setPixel(
            x, y, x < width / 2 ? new int[] {255, 255, 255, 255} : new int[] {0, 255, 255, 255});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
    } finally {
      writer.dispose();
    }
    return withAdobeCmykMarker(out.toByteArray());
  }
}
