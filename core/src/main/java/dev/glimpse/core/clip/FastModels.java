package dev.glimpse.core.clip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a loaded float32 model into its bf16 fast variant, or explains why it cannot. */
final class FastModels {
  private static final Logger LOG = LoggerFactory.getLogger(FastModels.class);

  private FastModels() {}

  /**
   * @param fp32 a freshly loaded float32 model; returned as is when AUTO decides against bf16
   * @param wanted {@link Precision#BF16} or {@link Precision#AUTO}
   */
  static ClipModel upgrade(ClipModel fp32, Precision wanted) throws CheckpointException {
    return upgrade(fp32, wanted, FastModels::fastIsFaster);
  }

  /**
   * As {@link #upgrade(ClipModel, Precision)}, with the speed comparison AUTO uses given.
   *
   * @param faster whether the second (bf16) model answers queries clearly faster than the first
   */
  static ClipModel upgrade(
      ClipModel fp32, Precision wanted, java.util.function.BiPredicate<ClipModel, ClipModel> faster)
      throws CheckpointException {
    String why = FastPathProbe.unavailableReason();
    if (why == null && !fp32.textTower().supportsFewRows()) {
      why =
          "the bf16 path needs QuickGELU and widths divisible by 64, not "
              + fp32.config().summary();
    }
    if (why != null) {
      if (wanted == Precision.BF16) {
        throw new CheckpointException("cannot run in bf16: " + why);
      }
      LOG.info("precision auto: fp32, because {}", why);
      return fp32;
    }
    ClipModel fast = fp32.withText(fp32.textTower().withBf16FewRows(), Precision.BF16);
    if (wanted == Precision.AUTO) {
      double cos = selfCheck(fp32, fast);
      if (!(cos >= FastPathProbe.MIN_COSINE)) {
        LOG.warn(
            "precision auto: fp32, because the bf16 self-check gave cosine {} (need {})",
            cos,
            FastPathProbe.MIN_COSINE);
        return fp32;
      }
      if (!faster.test(fp32, fast)) {
        LOG.info("precision auto: fp32, because bf16 was not faster here (cosine {})", cos);
        return fp32;
      }
      LOG.info("precision auto: bf16 (self-check cosine {})", cos);
    }
    return fast;
  }

  /**
   * Whether the bf16 text path answers the self-check query at least 10% faster than fp32: medians
   * of 7 alternating runs after a warm-up. On an idle 2-vCPU Zen 5 the fp32 path was faster (13.8
   * against 22.5 ms at 10 tokens), under heavy load the bf16 one was; so measure.
   */
  static boolean fastIsFaster(ClipModel fp32, ClipModel fast) {
    long[][] ids = {fp32.tokenizer().encode(FastPathProbe.SELF_CHECK_QUERY)};
    fp32.textFeatures(ids);
    fast.textFeatures(ids);
    long[] a = new long[7];
    long[] b = new long[7];
    for (int i = 0; i < a.length; i++) {
      long t0 = System.nanoTime();
      fp32.textFeatures(ids);
      long t1 = System.nanoTime();
      fast.textFeatures(ids);
      long t2 = System.nanoTime();
      a[i] = t1 - t0;
      b[i] = t2 - t1;
    }
    java.util.Arrays.sort(a);
    java.util.Arrays.sort(b);
    return b[3] < 0.9 * a[3];
  }

  /** Cosine between the fp32 and bf16 features of one query. */
  static double selfCheck(ClipModel fp32, ClipModel fast) {
    long[][] ids = {fp32.tokenizer().encode(FastPathProbe.SELF_CHECK_QUERY)};
    float[] a = fp32.textFeatures(ids)[0];
    float[] b = fast.textFeatures(ids)[0];
    return Vectors.cosine(a, b);
  }
}
