package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Int8DotTest {
  @Test
  void vector_dot_product_equals_the_plain_sum_for_every_length_and_extreme_values() {
    Int8Dot dot = Int8Dot.best();
    Random random = new Random(5);
    for (int length : new int[] {0, 1, 15, 16, 31, 32, 33, 64, 100, 512, 515, 768}) {
      byte[] a = new byte[length];
      byte[] b = new byte[length + 7]; // a vector at offset 7 of a larger array
      random.nextBytes(a);
      random.nextBytes(b);
      assertEquals(Int8Dot.scalar(a, b, 7), dot.dot(a, b, 7), "random, length " + length);
      int expected = 0;
      for (int i = 0; i < length; i++) {
        expected += a[i] * b[7 + i];
      }
      assertEquals(expected, Int8Dot.scalar(a, b, 7));
      Arrays.fill(a, (byte) -128);
      Arrays.fill(b, (byte) -128);
      assertEquals(length * 16384, dot.dot(a, b, 7), "-128 squared, length " + length);
      Arrays.fill(b, (byte) 127);
      assertEquals(length * -128 * 127, dot.dot(a, b, 7), "-128 x 127, length " + length);
    }
  }
}
