package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchingTextEncoderTest {
  /** One row per text: its length, so every caller can check it got its own row. */
  private static float[][] lengths(List<String> texts) {
    float[][] rows = new float[texts.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {texts.get(i).length()};
    }
    return rows;
  }

  @Test
  void lone_text_is_encoded_at_once_in_a_batch_of_one() {
    List<Integer> sizes = new ArrayList<>();
    var encoder =
        new BatchingTextEncoder(BatchingTextEncoderTest::lengths, 8, (n, t) -> sizes.add(n));
    assertArrayEquals(new float[] {5}, encoder.encode("hello"));
    assertEquals(List.of(1), sizes);
  }

  @Test
  void concurrent_callers_share_calls_and_each_gets_its_own_row() throws Exception {
    CountDownLatch firstCallStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch allQueued = new CountDownLatch(9);
    AtomicInteger calls = new AtomicInteger();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    var encoder =
        new BatchingTextEncoder(
            texts -> {
              if (calls.getAndIncrement() == 0) {
                firstCallStarted.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              }
              return lengths(texts);
            },
            4,
            (n, t) -> sizes.add(n),
            allQueued::countDown);
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      Future<float[]> first = pool.submit(() -> encoder.encode("x"));
      firstCallStarted.await();
      List<Future<float[]>> others = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        String text = "y".repeat(i);
        others.add(pool.submit(() -> encoder.encode(text)));
      }
      allQueued.await(); // all eight wait in the queue behind the blocked first call
      release.countDown();
      assertArrayEquals(new float[] {1}, first.get());
      for (int i = 1; i <= 8; i++) {
        assertArrayEquals(new float[] {i}, others.get(i - 1).get());
      }
    } finally {
      pool.shutdownNow();
    }
    // the first text alone, then the eight queued ones in two calls of the bound
    assertEquals(List.of(1, 4, 4), sizes);
  }

  @Test
  void encoder_failure_reaches_every_caller_of_the_batch() {
    var encoder =
        new BatchingTextEncoder(
            texts -> {
              throw new IllegalArgumentException("boom");
            },
            4,
            (n, t) -> {});
    var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode("a"));
    assertEquals("boom", e.getMessage());
  }

  @Test
  void rejects_a_batch_bound_below_one() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new BatchingTextEncoder(BatchingTextEncoderTest::lengths, 0, (n, t) -> {}));
  }
}
