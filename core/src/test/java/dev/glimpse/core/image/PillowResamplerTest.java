package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PillowResamplerTest {

  @Test
  void uniformImageStaysUniformWhenShrunkOrEnlarged() {
    byte[] samples = new byte[37 * 23 * 3];
    Arrays.fill(samples, (byte) 200);
    DecodedImage image = new DecodedImage(37, 23, PixelMode.RGB, samples);
    for (int[] size : new int[][] {{5, 3}, {100, 61}, {37, 7}, {9, 23}}) {
      DecodedImage resized = PillowResampler.resize(image, size[0], size[1]);
      assertEquals(size[0], resized.width());
      assertEquals(size[1], resized.height());
      for (byte b : resized.samples()) {
        assertEquals(200, b & 0xFF);
      }
    }
  }

  @Test
  void fullyTransparentPixelsComeOutBlackBecauseRgbaIsPremultiplied() {
    byte[] samples = new byte[8 * 8 * 4];
    for (int i = 0; i < samples.length; i += 4) {
      samples[i] = (byte) 255; // red under zero alpha
    }
    DecodedImage resized =
        PillowResampler.resize(new DecodedImage(8, 8, PixelMode.RGBA, samples), 3, 3);
    assertArrayEquals(new byte[3 * 3 * 4], resized.samples());
  }

  @Test
  void bicubicKernelIsKeysWithAMinusHalf() {
    assertEquals(1.0, PillowResampler.bicubic(0));
    assertEquals(0.0, PillowResampler.bicubic(1), 0.0);
    assertEquals(0.0, PillowResampler.bicubic(2), 0.0);
    assertEquals(0.5625, PillowResampler.bicubic(0.5));
    assertEquals(-0.0625, PillowResampler.bicubic(-1.5));
  }

  @Test
  void greyImageIsResizedAsOneChannel() {
    byte[] samples = new byte[4 * 1];
    samples[0] = 0;
    samples[1] = 0;
    samples[2] = (byte) 255;
    samples[3] = (byte) 255;
    DecodedImage resized =
        PillowResampler.resize(new DecodedImage(4, 1, PixelMode.L, samples), 2, 1);
    assertEquals(PixelMode.L, resized.mode());
    // Symmetric step: the two outputs mirror each other around 127.5.
    assertEquals(255, resized.sample(0, 0, 0) + resized.sample(1, 0, 0));
  }

  @Test
  void regionIsTheSameAsTheCropOfTheWholeResize() {
    java.util.Random random = new java.util.Random(7);
    for (PixelMode mode : PixelMode.values()) {
      byte[] samples = new byte[97 * 61 * mode.channels()];
      random.nextBytes(samples);
      DecodedImage image = new DecodedImage(97, 61, mode, samples);
      // shrink both ways, shrink one way only (the other pass is skipped), enlarge
      for (int[] size : new int[][] {{40, 25}, {97, 30}, {33, 61}, {150, 90}}) {
        DecodedImage whole = PillowResampler.resize(image, size[0], size[1]);
        for (int[] r : new int[][] {{0, 0, size[0], size[1]}, {3, 2, 20, 11}, {7, 0, 25, 4}}) {
          DecodedImage region =
              PillowResampler.resizeRegion(image, size[0], size[1], r[0], r[1], r[2], r[3]);
          assertEquals(r[2], region.width());
          assertEquals(r[3], region.height());
          for (int y = 0; y < r[3]; y++) {
            for (int x = 0; x < r[2]; x++) {
              for (int c = 0; c < mode.channels(); c++) {
                assertEquals(
                    whole.sample(x + r[0], y + r[1], c),
                    region.sample(x, y, c),
                    mode + " " + Arrays.toString(size) + " " + Arrays.toString(r));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void regionOfAnImageAlreadyAtTheTargetSizeKeepsTheColourOfTransparentPixels() {
    byte[] samples = {(byte) 255, 0, 102, 0, 1, 2, 3, 4};
    DecodedImage image = new DecodedImage(2, 1, PixelMode.RGBA, samples);
    DecodedImage region = PillowResampler.resizeRegion(image, 2, 1, 0, 0, 1, 1);
    assertArrayEquals(new byte[] {(byte) 255, 0, 102, 0}, region.samples());
  }

  @Test
  void regionOutsideTheResizedImageIsRefused() {
    DecodedImage image = new DecodedImage(10, 10, PixelMode.L, new byte[100]);
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> PillowResampler.resizeRegion(image, 5, 5, 1, 0, 5, 5));
  }
}
