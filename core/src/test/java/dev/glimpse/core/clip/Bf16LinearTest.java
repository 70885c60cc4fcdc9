package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16LinearTest {
  private static float bf16(float v) {
    return Float.intBitsToFloat(SafetensorsWriter.toBfloat16(v) << 16);
  }

  @Test
  void equals_a_plain_product_with_weights_rounded_to_bf16_for_every_row_count() {
    int out = 192;
    int in = 80;
    SplittableRandom r = new SplittableRandom(7);
    float[] w = new float[out * in];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < out; i++) {
      b[i] = (float) r.nextGaussian();
    }
    Bf16Linear linear = new Bf16Linear(w, b, out, in);
    for (int rows = 1; rows <= 9; rows++) {
      float[] x = new float[rows * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      float[] y = linear.apply(x, rows);
      for (int row = 0; row < rows; row++) {
        for (int o = 0; o < out; o++) {
          double expected = b[o];
          for (int k = 0; k < in; k++) {
            expected += (double) x[row * in + k] * bf16(w[o * in + k]);
          }
          // float32 accumulation over 80 terms of size ~1: a few ulps of ~10.
          assertEquals(expected, y[row * out + o], 1e-4, "row " + row + " output " + o);
        }
      }
    }
  }

  @Test
  void rejects_output_widths_not_divisible_by_64() {
    assertThrows(
        IllegalArgumentException.class, () -> new Bf16Linear(new float[100], new float[50], 50, 2));
  }
}
