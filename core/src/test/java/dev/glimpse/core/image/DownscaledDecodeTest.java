package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownscaledDecodeTest {

  @TempDir Path dir;

  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void largeJpegIsDecodedAtTheLargestReductionThatKeepsTheShortSide() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(2000, 1500, Color.RED, Color.BLUE), "jpg");
    DecodedImage image = decoder.decodeDownscaled(jpeg, "big.jpg", 224);
    // 1500 / 8 = 188 < 224, so 1/4: 500x375
    assertEquals(500, image.width());
    assertEquals(375, image.height());
    assertEquals(PixelMode.RGB, image.mode());
    assertTrue(image.sample(10, 100, 0) > 200 && image.sample(10, 100, 2) < 60, "left is red");
    assertTrue(image.sample(490, 100, 2) > 200 && image.sample(490, 100, 0) < 60, "right is blue");
  }

  @Test
  void reductionNeverGoesBelowTheRequestedShortSide() {
    assertEquals(8, DctScaledJpegDecoder.reductionFor(3000, 224));
    assertEquals(8, DctScaledJpegDecoder.reductionFor(1785, 224)); // ceil(1785 / 8) = 224
    assertEquals(4, DctScaledJpegDecoder.reductionFor(1784, 224));
    assertEquals(1, DctScaledJpegDecoder.reductionFor(300, 224));
    assertEquals(1, DctScaledJpegDecoder.reductionFor(100, 224));
  }

  @Test
  void jpegWithoutAnEndMarkerIsLeftToTheReferenceDecoder() {
    byte[] jpeg = TestImages.encode(TestImages.halves(256, 256, Color.RED, Color.BLUE), "jpg");
    assertTrue(DctScaledJpegDecoder.hasEndMarker(jpeg));
    assertTrue(!DctScaledJpegDecoder.hasEndMarker(java.util.Arrays.copyOf(jpeg, jpeg.length - 2)));
  }

  /**
   * Cameras pad files or append trailers after the end marker; such files still take the scaled
   * path (a full-size ImageIO decode would return 2000x1500 here).
   */
  @Test
  void jpegWithDataAfterItsEndMarkerIsStillDecodedDownscaled() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(2000, 1500, Color.RED, Color.BLUE), "jpg");
    byte[] padded = java.util.Arrays.copyOf(jpeg, jpeg.length + 300_000); // zero padding
    for (int i = jpeg.length; i < padded.length; i += 997) {
      padded[i] = (byte) 0xA5; // not all zeros: a trailer of other data
    }
    assertTrue(DctScaledJpegDecoder.hasEndMarker(padded));
    DecodedImage image = decoder.decodeDownscaled(padded, "padded.jpg", 224);
    assertEquals(500, image.width());
    assertEquals(375, image.height());
    assertTrue(image.sample(10, 100, 0) > 200 && image.sample(490, 100, 2) > 200);
  }

  /** An EXIF thumbnail's end marker comes before the first scan: a truncated file is still one. */
  @Test
  void truncatedJpegWithAThumbnailEndMarkerIsStillTruncated() {
    byte[] jpeg = TestImages.encode(TestImages.halves(2000, 1500, Color.RED, Color.BLUE), "jpg");
    byte[] thumbnail = TestImages.encode(TestImages.halves(160, 120, Color.RED, Color.BLUE), "jpg");
    // An APP1 segment right after SOI that carries the thumbnail (and so its FF D9).
    int length = thumbnail.length + 2;
    byte[] withThumb = new byte[jpeg.length + 4 + thumbnail.length];
    withThumb[0] = (byte) 0xFF;
    withThumb[1] = (byte) 0xD8;
    withThumb[2] = (byte) 0xFF;
    withThumb[3] = (byte) 0xE1;
    withThumb[4] = (byte) (length >> 8);
    withThumb[5] = (byte) length;
    System.arraycopy(thumbnail, 0, withThumb, 6, thumbnail.length);
    System.arraycopy(jpeg, 2, withThumb, 6 + thumbnail.length, jpeg.length - 2);
    assertTrue(DctScaledJpegDecoder.hasEndMarker(withThumb));
    byte[] truncated = java.util.Arrays.copyOf(withThumb, withThumb.length - 5000);
    assertTrue(!DctScaledJpegDecoder.hasEndMarker(truncated));
  }

  @Test
  void smallJpegIsDecodedAtFullSize() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 48, Color.RED, Color.BLUE), "jpg");
    DecodedImage image = decoder.decodeDownscaled(jpeg, "small.jpg", 224);
    assertEquals(64, image.width());
    assertEquals(48, image.height());
  }

  @Test
  void exifOrientationIsAppliedOnTheNativePath() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.halves(1600, 800, Color.RED, Color.BLUE), "jpg");
    byte[] rotated = TestImages.withExifOrientation(jpeg, 6);
    DecodedImage image = decoder.decodeDownscaled(rotated, "rotated.jpg", 100);
    assertEquals(100, image.width()); // 800 / 8, turned
    assertEquals(200, image.height());
    assertTrue(image.sample(50, 10, 0) > 200, "the left (red) half is now on top");
    assertTrue(image.sample(50, 190, 2) > 200, "the right (blue) half is now at the bottom");
  }

  @Test
  void greyJpegStaysGrey() throws IOException {
    var grey =
        new java.awt.image.BufferedImage(800, 800, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 800; x++) {
      for (int y = 0; y < 800; y++) {
        grey.getRaster().setSample(x, y, 0, x < 400 ? 40 : 220);
      }
    }
    DecodedImage image = decoder.decodeDownscaled(TestImages.encode(grey, "jpg"), "g.jpg", 100);
    assertEquals(PixelMode.L, image.mode());
    assertEquals(100, image.width());
    assertEquals(40, image.sample(10, 50, 0), 3);
    assertEquals(220, image.sample(90, 50, 0), 3);
  }

  @Test
  void cmykJpegFallsBackToTheReferenceDecode() throws IOException {
    byte[] cmyk = TestImages.cmykJpeg(64, 48);
    DecodedImage fast = decoder.decodeDownscaled(cmyk, "cmyk.jpg", 8);
    DecodedImage reference = decoder.decode(cmyk, "cmyk.jpg");
    assertEquals(64, fast.width());
    assertArrayEquals(reference.samples(), fast.samples());
  }

  @Test
  void pngFallsBackToTheFullDecode() throws IOException {
    byte[] png = TestImages.encode(TestImages.halves(640, 480, Color.RED, Color.BLUE), "png");
    DecodedImage fast = decoder.decodeDownscaled(png, "x.png", 100);
    DecodedImage full = decoder.decode(png, "x.png");
    assertEquals(640, fast.width());
    assertArrayEquals(full.samples(), fast.samples());
  }

  @Test
  void fourThreadsDecodeDifferentFilesAtOnceWithTheSameResults() throws Exception {
    Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.ORANGE, Color.CYAN, Color.PINK};
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < colors.length; i++) {
      var image = TestImages.halves(900 + 16 * i, 700, colors[i], Color.BLACK);
      String format = i % 3 == 2 ? "png" : "jpg";
      files.add(
          Files.write(dir.resolve("img" + i + "." + format), TestImages.encode(image, format)));
    }
    List<DecodedImage> expected = new ArrayList<>();
    for (Path file : files) {
      expected.add(decoder.decodeDownscaled(file, 224));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        for (int i = 0; i < files.size(); i++) {
          Path file = files.get(i);
          DecodedImage want = expected.get(i);
          boolean fast = (round + i) % 2 == 0;
          results.add(
              pool.submit(
                  () -> {
                    DecodedImage got =
                        fast ? decoder.decodeDownscaled(file, 224) : decoder.decode(file);
                    return fast
                        ? java.util.Arrays.equals(want.samples(), got.samples())
                        : got.width() == 900 + 16 * files.indexOf(file);
                  }));
        }
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
