package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ExifOrientationTest {

  /** A 3x2 grey image whose pixel values are 10 * (x + 1) + (y + 1). */
  private static final DecodedImage IMAGE =
      new DecodedImage(3, 2, PixelMode.L, new byte[] {11, 21, 31, 12, 22, 32});

  @Test
  void eachOrientationMovesTheStoredCornersWhereExifSays() {
    // {orientation, width, height, value at top-left, value at top-right of the result}
    int[][] expected = {
      {1, 3, 2, 11, 31},
      {2, 3, 2, 31, 11},
      {3, 3, 2, 32, 12},
      {4, 3, 2, 12, 32},
      {5, 2, 3, 11, 12},
      {6, 2, 3, 12, 11},
      {7, 2, 3, 32, 31},
      {8, 2, 3, 31, 32},
    };
    for (int[] e : expected) {
      DecodedImage upright = ExifOrientation.apply(IMAGE, e[0]);
      String label = "orientation " + e[0];
      assertEquals(e[1], upright.width(), label);
      assertEquals(e[2], upright.height(), label);
      assertEquals(e[3], upright.sample(0, 0, 0), label);
      assertEquals(e[4], upright.sample(upright.width() - 1, 0, 0), label);
    }
  }

  @Test
  void invalidOrientationLeavesTheImageAlone() {
    assertSame(IMAGE, ExifOrientation.apply(IMAGE, 0));
    assertSame(IMAGE, ExifOrientation.apply(IMAGE, 9));
  }

  @Test
  void orientationSixThenEightIsTheIdentity() {
    DecodedImage back = ExifOrientation.apply(ExifOrientation.apply(IMAGE, 6), 8);
    assertEquals(3, back.width());
    assertEquals(
        java.util.Arrays.toString(IMAGE.samples()), java.util.Arrays.toString(back.samples()));
  }
}
