package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

  @TempDir Path dir;

  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void exifOrientationSixTurnsTheImageClockwise() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 32, Color.RED, Color.BLUE), "jpg");
    Path file = Files.write(dir.resolve("rotated.jpg"), TestImages.withExifOrientation(jpeg, 6));

    DecodedImage upright = decoder.decode(file);

    assertEquals(32, upright.width());
    assertEquals(64, upright.height());
    // The stored left (red) half becomes the top half after a 90 degree clockwise turn.
    assertReddish(upright, 16, 8);
    assertBluish(upright, 16, 56);
  }

  @Test
  void exifOrientationIsIgnoredWhenDisabled() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 32, Color.RED, Color.BLUE), "jpg");
    byte[] rotated = TestImages.withExifOrientation(jpeg, 6);

    DecodedImage stored =
        new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false).decode(rotated, "rotated.jpg");

    assertEquals(64, stored.width());
    assertEquals(32, stored.height());
    assertReddish(stored, 8, 16);
  }

  @Test
  void exifOrientationIsReadFromTheFile() {
    byte[] jpeg = TestImages.encode(TestImages.halves(16, 16, Color.RED, Color.BLUE), "jpg");
    for (int orientation = 1; orientation <= 8; orientation++) {
      assertEquals(
          orientation, ExifOrientation.read(TestImages.withExifOrientation(jpeg, orientation)));
    }
    assertEquals(ExifOrientation.NORMAL, ExifOrientation.read(jpeg));
  }

  @Test
  void imagesOverThePixelLimitAreRefusedFromTheHeader() {
    // Only a header: a decoder that tried to decode pixels would fail differently.
    byte[] header = TestImages.pngHeaderOnly(20_000, 10_000);
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> decoder.decode(header, "huge.png"));
    assertTrue(e.getMessage().contains("huge.png"), e.getMessage());
    assertTrue(e.getMessage().contains("200000000 pixels"), e.getMessage());
  }

  @Test
  void pixelLimitIsConfigurable() throws IOException {
    byte[] png = TestImages.encode(TestImages.halves(100, 100, Color.RED, Color.BLUE), "png");
    ImageDecoder strict = new ImageDecoder(9_999, true);
    assertThrows(ImageDecodeException.class, () -> strict.decode(png, "100x100.png"));
    assertEquals(100, new ImageDecoder(10_000, true).decode(png, "100x100.png").width());
  }

  @Test
  void truncatedJpegIsADecodeError() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(256, 256, Color.RED, Color.BLUE), "jpg");
    Path file = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(file));
    assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedPngIsADecodeError() throws IOException {
    byte[] png = TestImages.encode(TestImages.halves(256, 256, Color.RED, Color.BLUE), "png");
    Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
    assertThrows(ImageDecodeException.class, () -> decoder.decode(file));
  }

  @Test
  void zeroByteFileIsADecodeError() throws IOException {
    Path file = Files.write(dir.resolve("empty.jpg"), new byte[0]);
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(file));
    assertTrue(e.getMessage().contains("empty.jpg"), e.getMessage());
  }

  @Test
  void textFileNamedJpgIsADecodeError() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.jpg"), "just some text\n");
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(file));
    assertTrue(e.getMessage().contains("notes.jpg"), e.getMessage());
  }

  @Test
  void jpegHeaderWithGarbageAfterItIsADecodeError() {
    byte[] bytes = new byte[200];
    Arrays.fill(bytes, (byte) 0x5A);
    bytes[0] = (byte) 0xFF;
    bytes[1] = (byte) 0xD8;
    bytes[2] = (byte) 0xFF;
    assertThrows(ImageDecodeException.class, () -> decoder.decode(bytes, "garbage.jpg"));
  }

  @Test
  void formatIsDetectedFromContentNotExtension() throws IOException {
    byte[] png = TestImages.encode(TestImages.halves(8, 4, Color.RED, Color.BLUE), "png");
    Path file = Files.write(dir.resolve("really-a-png.jpg"), png);
    DecodedImage image = decoder.decode(file);
    assertEquals(PixelMode.RGB, image.mode());
    assertArrayEquals(new int[] {255, 0, 0}, pixel(image, 0, 0));
    assertArrayEquals(new int[] {0, 0, 255}, pixel(image, 7, 3));
  }

  @Test
  void sixteenBitPngKeepsTheHighByte() throws IOException {
    ComponentColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(3, 1);
    raster.setPixel(0, 0, new int[] {0xFFFF, 0x0000, 0x8000});
    raster.setPixel(1, 0, new int[] {0x12FF, 0x3400, 0xABCD});
    raster.setPixel(2, 0, new int[] {0x00FF, 0x0100, 0x7FFF});
    byte[] png = TestImages.encode(new BufferedImage(model, raster, false, null), "png");

    DecodedImage image = decoder.decode(png, "16bit.png");

    assertEquals(PixelMode.RGB, image.mode());
    assertArrayEquals(new int[] {0xFF, 0x00, 0x80}, pixel(image, 0, 0));
    assertArrayEquals(new int[] {0x12, 0x34, 0xAB}, pixel(image, 1, 0));
    assertArrayEquals(new int[] {0x00, 0x01, 0x7F}, pixel(image, 2, 0));
  }

  @Test
  void sixteenBitGreyPngBecomesEightBitL() throws IOException {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0xABCD);
    grey.getRaster().setSample(1, 0, 0, 0x0102);
    DecodedImage image = decoder.decode(TestImages.encode(grey, "png"), "grey16.png");
    assertEquals(PixelMode.L, image.mode());
    assertEquals(0xAB, image.sample(0, 0, 0));
    assertEquals(0x01, image.sample(1, 0, 0));
  }

  @Test
  void palettePngExpandsToRgb() throws IOException {
    byte[] png = TestImages.encode(TestImages.palette(4, 2, false), "png");
    DecodedImage image = decoder.decode(png, "palette.png");
    assertEquals(PixelMode.RGB, image.mode());
    assertArrayEquals(new int[] {255, 0, 0}, pixel(image, 0, 0));
    assertArrayEquals(new int[] {0, 255, 0}, pixel(image, 1, 0));
    assertArrayEquals(new int[] {200, 100, 50}, pixel(image, 3, 0));
    assertArrayEquals(new int[] {0, 255, 0}, pixel(image, 0, 1));
  }

  @Test
  void palettePngWithTransparencyExpandsToRgba() throws IOException {
    byte[] png = TestImages.encode(TestImages.palette(4, 1, true), "png");
    DecodedImage image = decoder.decode(png, "palette-alpha.png");
    assertEquals(PixelMode.RGBA, image.mode());
    assertArrayEquals(new int[] {255, 0, 0, 255}, pixel(image, 0, 0));
    assertEquals(0, image.sample(3, 0, 3));
  }

  @Test
  void greyJpegStaysL() throws IOException {
    BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        grey.getRaster().setSample(x, y, 0, 100);
      }
    }
    DecodedImage image = decoder.decode(TestImages.encode(grey, "jpg"), "grey.jpg");
    assertEquals(PixelMode.L, image.mode());
    assertEquals(100, image.sample(5, 5, 0), 1);
  }

  @Test
  void rgbaPngStaysRgbaWithStraightAlpha() throws IOException {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x80FF4020);
    argb.setRGB(1, 0, 0x00123456);
    DecodedImage image = decoder.decode(TestImages.encode(argb, "png"), "alpha.png");
    assertEquals(PixelMode.RGBA, image.mode());
    assertArrayEquals(new int[] {0xFF, 0x40, 0x20, 0x80}, pixel(image, 0, 0));
    assertArrayEquals(new int[] {0x12, 0x34, 0x56, 0x00}, pixel(image, 1, 0));
  }

  @Test
  void iccProfileOfFixtureJpegIsNotApplied() throws Exception {
    Path rocket =
        ClipPreprocessorGoldenTest.fixtureFolder("tiny-clip-openai").resolve("images/rocket.jpg");
    DecodedImage image = decoder.decode(rocket);
    // libjpeg's YCbCr -> RGB of the stored samples (Y 54, Cb 148, Cr 116); colour managed
    // from Adobe RGB to sRGB it would be (18, 53, 90).
    assertArrayEquals(new int[] {37, 56, 89}, pixel(image, 100, 100));
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws IOException {
    // A 4-band raster is written as a 4-component JPEG; the Adobe marker makes it CMYK.
    WritableRaster cmyk =
        WritableRaster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        // Adobe CMYK stores ink inverted: left half no ink (white), right half full cyan.
        cmyk.setPixel(x, y, x < 8 ? new int[] {255, 255, 255, 255} : new int[] {0, 255, 255, 255});
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageWriter writer =
        javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
    } finally {
      writer.dispose();
    }

    byte[] jpeg = TestImages.withAdobeCmykMarker(out.toByteArray());

    DecodedImage image = decoder.decode(jpeg, "cmyk.jpg");

    assertEquals(PixelMode.RGB, image.mode());
    int[] white = pixel(image, 2, 8);
    int[] cyan = pixel(image, 13, 8);
    assertTrue(white[0] > 235 && white[1] > 235 && white[2] > 235, Arrays.toString(white));
    assertTrue(cyan[0] < 80 && cyan[1] > 120 && cyan[2] > 180, Arrays.toString(cyan));
  }

  @Test
  void missingFileIsAnIoException() {
    IOException e =
        assertThrows(IOException.class, () -> decoder.decode(dir.resolve("missing.jpg")));
    assertTrue(e.getMessage().contains("missing.jpg"), e.getMessage());
  }

  @Test
  void textBytesAreNotAnImage() {
    byte[] text = "GIF89a? no".getBytes(StandardCharsets.US_ASCII);
    assertThrows(ImageDecodeException.class, () -> decoder.decode(text, "fake.gif"));
  }

  private static int[] pixel(DecodedImage image, int x, int y) {
    int[] out = new int[image.channels()];
    for (int c = 0; c < out.length; c++) {
      out[c] = image.sample(x, y, c);
    }
    return out;
  }

  private static void assertReddish(DecodedImage image, int x, int y) {
    int[] p = pixel(image, x, y);
    assertTrue(
        p[0] > 200 && p[2] < 60, "expected red at " + x + "," + y + ": " + Arrays.toString(p));
  }

  private static void assertBluish(DecodedImage image, int x, int y) {
    int[] p = pixel(image, x, y);
    assertTrue(
        p[2] > 200 && p[0] < 60, "expected blue at " + x + "," + y + ": " + Arrays.toString(p));
  }
}
