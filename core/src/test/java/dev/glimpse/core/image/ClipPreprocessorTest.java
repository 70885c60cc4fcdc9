package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClipPreprocessorTest {

  @Test
  void cropOffsetsRoundHalfToEven() {
    PreprocessConfig config = PreprocessConfig.clip(64);
    // coins: 81 wide, (81 - 64) / 2 = 8.5 -> 8; thumb: 97 -> 16.5 -> 16; rocket: 95 -> 15.5 -> 16
    assertEquals(8, CropGeometry.of(384, 303, config).cropLeft());
    assertEquals(16, CropGeometry.of(61, 40, config).cropLeft());
    assertEquals(16, CropGeometry.of(640, 427, config).cropLeft());
  }

  @Test
  void longSideIsTruncatedNotRounded() {
    CropGeometry rocket = CropGeometry.of(640, 427, PreprocessConfig.clip(64));
    assertEquals(95, rocket.resizedWidth()); // 95.93
    CropGeometry portrait = CropGeometry.of(320, 512, PreprocessConfig.clip(64));
    assertEquals(64, portrait.resizedWidth());
    assertEquals(102, portrait.resizedHeight()); // 102.4
  }

  @Test
  void smallerResizeThanCropIsPaddedWithZeroPixels() {
    PreprocessConfig config =
        new PreprocessConfig(4, 6, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
    byte[] white = new byte[4 * 4];
    Arrays.fill(white, (byte) 255);
    DecodedImage image = new DecodedImage(4, 4, PixelMode.L, white);

    float[] out = new ClipPreprocessor(config).preprocess(image);

    // torchvision pads (6 - 4) // 2 = 1 zero pixel before the image on each axis.
    CropGeometry g = CropGeometry.of(4, 4, config);
    assertEquals(-1, g.cropLeft());
    assertEquals(-1, g.cropTop());
    assertEquals(-1f, out[0]); // padding: (0 - 0.5) / 0.5
    assertEquals(1f, out[6 + 1]); // first image pixel: (1 - 0.5) / 0.5
    assertEquals(-1f, out[5 * 6 + 5]);
  }

  @Test
  void greyIsReplicatedAndAlphaIsDropped() {
    PreprocessConfig config =
        new PreprocessConfig(1, 1, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});
    ClipPreprocessor preprocessor = new ClipPreprocessor(config);
    float[] grey = preprocessor.preprocess(new DecodedImage(1, 1, PixelMode.L, new byte[] {51}));
    assertArrayEquals(new float[] {51 / 255f, 51 / 255f, 51 / 255f}, grey);
    float[] rgba =
        preprocessor.preprocess(
            new DecodedImage(1, 1, PixelMode.RGBA, new byte[] {(byte) 255, 0, 102, 0}));
    assertArrayEquals(new float[] {1f, 0f, 102 / 255f}, rgba);
  }

  @Test
  void preprocessIntoWritesOneSlotOfABatch() {
    ClipPreprocessor preprocessor = new ClipPreprocessor(PreprocessConfig.clip(8));
    byte[] samples = new byte[10 * 12 * 3];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (byte) (i * 7);
    }
    DecodedImage image = new DecodedImage(10, 12, PixelMode.RGB, samples);
    float[] single = preprocessor.preprocess(image);
    float[] batch = new float[3 * single.length];
    Arrays.fill(batch, Float.NaN);

    preprocessor.preprocessInto(image, batch, single.length);

    assertArrayEquals(single, Arrays.copyOfRange(batch, single.length, 2 * single.length));
    assertTrue(Float.isNaN(batch[single.length - 1]));
    assertTrue(Float.isNaN(batch[2 * single.length]));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> preprocessor.preprocessInto(image, batch, 2 * single.length + 1));
  }

  @Test
  void configRejectsBadValuesNamingThem() {
    float[] ok = {0.5f, 0.5f, 0.5f};
    assertMessage("shortestEdge", () -> new PreprocessConfig(0, 4, ok, ok));
    assertMessage("cropSize", () -> new PreprocessConfig(4, -1, ok, ok));
    assertMessage("mean", () -> new PreprocessConfig(4, 4, new float[] {1f, 2f}, ok));
    assertMessage("std[1]", () -> new PreprocessConfig(4, 4, ok, new float[] {1f, 0f, 1f}));
  }

  @Test
  @SuppressWarnings("FloatingPointLiteralPrecision") // the constants as OpenAI publishes them
  void clipConfigUsesOpenAiMeanAndStd() {
    PreprocessConfig config = PreprocessConfig.clip(224);
    assertEquals(224, config.shortestEdge());
    assertEquals(224, config.cropSize());
    assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, config.mean());
    assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, config.std());
    assertEquals(config, PreprocessConfig.clip(224));
  }

  private static void assertMessage(String expected, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void unchangedSizeReturnsTheSameImage() {
    DecodedImage image = new DecodedImage(2, 2, PixelMode.L, new byte[4]);
    assertSame(image, PillowResampler.resize(image, 2, 2));
  }
}
