package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

class ProgressiveScanPrunerTest {

  /**
   * The repository's sample photos (surefire runs in the module folder): three of them are
   * progressive JPEGs from other encoders than the JDK's (see samples/MANIFEST.tsv).
   */
  private static final Path PHOTOS = Path.of("..", "samples", "photos");

  @Test
  void realProgressivePhotosDecodeToTheSamePixelsWithoutTheirLumaAcScans() throws IOException {
    assumeNativeDecoder();
    List<String> pruned = new ArrayList<>();
    try (Stream<Path> files = Files.list(PHOTOS)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        byte[] jpeg = Files.readAllBytes(file);
        if (ImageFormat.detect(jpeg) != ImageFormat.JPEG) {
          continue;
        }
        Optional<byte[]> shorter = ProgressiveScanPruner.forEighthScale(jpeg);
        if (shorter.isEmpty()) {
          continue;
        }
        pruned.add(file.getFileName().toString());
        assertTrue(shorter.get().length < jpeg.length / 2, file + ": most of the data is dropped");
        assertSamePixels(file.toString(), jpeg, shorter.get());
      }
    }
    // the progressive ones, by their start-of-frame marker (SOF2); the other 26 JPEGs are baseline
    assertEquals(
        List.of(
            "animal-honey-bee-on-aster.jpg", "city-bridge-at-night.jpg", "food-citrus-fruits.jpg"),
        pruned);
  }

  @Test
  void progressiveColourJpegWith420ChromaDecodesToTheSamePixels() throws IOException {
    byte[] jpeg = progressive(noise(2000, 1600, BufferedImage.TYPE_INT_RGB));
    byte[] shorter = ProgressiveScanPruner.forEighthScale(jpeg).orElseThrow();
    assertTrue(shorter.length < jpeg.length, "the luma AC scans are dropped");
    assertSamePixels("noise.jpg", jpeg, shorter);
  }

  @Test
  void progressiveGreyJpegKeepsOnlyItsDcScans() throws IOException {
    byte[] jpeg = progressive(noise(1800, 1790, BufferedImage.TYPE_BYTE_GRAY));
    byte[] shorter = ProgressiveScanPruner.forEighthScale(jpeg).orElseThrow();
    assertTrue(shorter.length < jpeg.length / 4, shorter.length + " of " + jpeg.length);
    assertSamePixels("grey.jpg", jpeg, shorter);
  }

  @Test
  void baselineJpegIsLeftAlone() {
    byte[] jpeg = TestImages.encode(noise(2000, 1600, BufferedImage.TYPE_INT_RGB), "jpg");
    assertTrue(ProgressiveScanPruner.forEighthScale(jpeg).isEmpty());
  }

  @Test
  void truncatedProgressiveJpegIsLeftAlone() throws IOException {
    byte[] jpeg = progressive(noise(800, 800, BufferedImage.TYPE_INT_RGB));
    byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
    assertTrue(ProgressiveScanPruner.forEighthScale(cut).isEmpty());
    assertTrue(ProgressiveScanPruner.forEighthScale(new byte[] {1, 2, 3}).isEmpty());
  }

  @Test
  void endOfBandRunsAreCodedAsPowersOfTwo() {
    // 5 blocks = EOB2 (code 0010, extra bits 00) + EOB0 (0000), padded with ones:
    // 0010 0000 | 0011 1111
    assertArrayEquals(new byte[] {0x20, 0x3F}, ProgressiveScanPruner.endOfBandRuns(5));
  }

  @Test
  void longEndOfBandRunIsByteStuffed() {
    // 32767 blocks = EOB14 (1110) with 14 extra bits of ones, then 6 bits of padding:
    // 1110 1111 | 1111 1111 | 1111 1111, each FF followed by a stuffed 00
    assertArrayEquals(
        new byte[] {(byte) 0xEF, (byte) 0xFF, 0, (byte) 0xFF, 0},
        ProgressiveScanPruner.endOfBandRuns(32767));
  }

  @Test
  void downscaledDecodeOfALargeProgressiveJpegUsesTheShorterStreamWithTheSameResult()
      throws IOException {
    assumeNativeDecoder();
    byte[] jpeg = progressive(noise(2400, 1800, BufferedImage.TYPE_INT_RGB));
    DecodedImage image = new ImageDecoder().decodeDownscaled(jpeg, "p.jpg", 224);
    DecodedImage whole = DctScaledJpegDecoder.decode(jpeg, 8).orElseThrow();
    assertEquals(300, image.width());
    assertEquals(225, image.height());
    assertArrayEquals(whole.samples(), image.samples());
  }

  /**
   * The pixels are compared through libjpeg-turbo, a native library per platform: where none loads
   * (a platform the build carries no native for), these tests cannot run and are skipped.
   */
  private static void assumeNativeDecoder() {
    assumeTrue(DctScaledJpegDecoder.available(), "needs the native JPEG decoder (linux-x86_64)");
  }

  private static void assertSamePixels(String name, byte[] original, byte[] shorter) {
    DecodedImage want = DctScaledJpegDecoder.decode(original, 8).orElseThrow();
    DecodedImage got =
        DctScaledJpegDecoder.decode(shorter, 8)
            .orElseThrow(() -> new AssertionError(name + ": the shorter stream does not decode"));
    assertEquals(want.width(), got.width(), name);
    assertEquals(want.height(), got.height(), name);
    assertEquals(want.mode(), got.mode(), name);
    assertArrayEquals(want.samples(), got.samples(), name);
  }

  /** Smooth gradients with noise, so every AC band carries data. */
  private static BufferedImage noise(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / width + random.nextInt(40)) & 0xFF;
        int g = (y * 255 / height + random.nextInt(40)) & 0xFF;
        int b = ((x + y) * 127 / (width + height) + random.nextInt(80)) & 0xFF;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  /** A progressive JPEG from the JDK's writer (its default script: spectral selection and SA). */
  private static byte[] progressive(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
