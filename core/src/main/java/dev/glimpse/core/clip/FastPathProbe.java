package dev.glimpse.core.clip;

/**
 * Decides whether the bf16 fast path can run in this JVM. Kept free of Vector API types so that it
 * loads even where the {@code jdk.incubator.vector} module is absent.
 */
final class FastPathProbe {
  /** Query of the self-check: a typical search, long enough to exercise attention. */
  static final String SELF_CHECK_QUERY = "a red bicycle leaning against a brick wall";

  /** The fixture README's bfloat16 bound on embedding cosine. */
  static final double MIN_COSINE = 0.9995;

  private FastPathProbe() {}

  /** Why the fast path cannot run here, or null if it can. */
  static String unavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the Vector API is not enabled (run java with --add-modules jdk.incubator.vector)";
    }
    int bits = VectorWidth.preferredFloatBits();
    if (bits < 512) {
      return "this CPU offers " + bits + "-bit vectors to Java; the bf16 kernels need 512";
    }
    return null;
  }
}
