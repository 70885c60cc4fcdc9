package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/** Each supported format decodes, with content (not the name) choosing the decoder. */
class ImageDecoderFormatsTest {

  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void bmpDecodesToRgb() throws IOException {
    assertHalves(decoder.decode(encodeHalves("bmp"), "x.bmp"));
  }

  @Test
  void tiffDecodesToRgb() throws IOException {
    assertHalves(decoder.decode(encodeHalves("tiff"), "x.tif"));
  }

  @Test
  void gifDecodesItsFirstFrameOnly() throws IOException {
    byte[] gif = animatedGif(TestImages.halves(16, 8, Color.RED, Color.BLUE), solid(Color.GREEN));
    DecodedImage image = decoder.decode(gif, "anim.gif");
    assertHalves(image);
  }

  @Test
  void webpFromPillowsTestSuiteDecodes() throws IOException {
    DecodedImage image = decoder.decode(resource("hopper.webp"), "hopper.webp");
    assertEquals(128, image.width());
    assertEquals(128, image.height());
    assertTrue(image.mode() == PixelMode.RGB || image.mode() == PixelMode.RGBA, image.toString());
  }

  @Test
  void greyWithAlphaPngKeepsItsAlpha() throws IOException {
    ColorSpace grey = ColorSpace.getInstance(ColorSpace.CS_GRAY);
    ComponentColorModel model =
        new ComponentColorModel(grey, true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = model.createCompatibleWritableRaster(4, 2);
    for (int x = 0; x < 4; x++) {
      raster.setSample(x, 0, 0, 200);
      raster.setSample(x, 0, 1, 255);
      raster.setSample(x, 1, 0, 100);
      raster.setSample(x, 1, 1, 0);
    }
    BufferedImage image = new BufferedImage(model, raster, false, null);
    DecodedImage decoded = decoder.decode(TestImages.encode(image, "png"), "la.png");
    assertEquals(PixelMode.RGBA, decoded.mode());
    assertEquals(200, decoded.sample(0, 0, 0));
    assertEquals(255, decoded.sample(0, 0, 3));
    assertEquals(0, decoded.sample(0, 1, 3));
  }

  private static byte[] encodeHalves(String format) {
    return TestImages.encode(TestImages.halves(16, 8, Color.RED, Color.BLUE), format);
  }

  private static BufferedImage solid(Color color) {
    return TestImages.halves(16, 8, color, color);
  }

  private static void assertHalves(DecodedImage image) {
    assertEquals(16, image.width());
    assertEquals(8, image.height());
    assertTrue(image.sample(1, 4, 0) > 200 && image.sample(1, 4, 2) < 50, "left is red");
    assertTrue(image.sample(14, 4, 2) > 200 && image.sample(14, 4, 0) < 50, "right is blue");
  }

  static byte[] animatedGif(BufferedImage... frames) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (BufferedImage frame : frames) {
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ImageDecoderFormatsTest.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /images/" + name);
      }
      return in.readAllBytes();
    }
  }
}
