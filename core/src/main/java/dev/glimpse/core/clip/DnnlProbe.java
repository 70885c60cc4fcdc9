package dev.glimpse.core.clip;

import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.DnnlException;

/** Whether the bf16 fast mode can be the default on this machine, before any model is loaded. */
final class DnnlProbe {
  private DnnlProbe() {}

  /** Why not (oneDNN does not load, or the CPU has no native bf16); empty when it can. */
  static String unavailableReason() {
    return reason(
        Dnnl::nativeBf16, "this CPU has no native bf16 (bf16 would be emulated, slower than fp32)");
  }

  /**
   * Why oneDNN should not be the float32 engine here (it does not load, or has no AVX-512 kernels:
   * it was measured faster than ONNX Runtime with them only); empty when it should.
   */
  static String fp32UnavailableReason() {
    return reason(Dnnl::avx512, "no AVX-512 kernels");
  }

  private static String reason(java.util.function.Predicate<Dnnl> usable, String otherwise) {
    try (Dnnl dnnl = Dnnl.cpu()) {
      return usable.test(dnnl) ? "" : otherwise + "; oneDNN sees " + dnnl.isaName();
    } catch (DnnlException | LinkageError e) {
      return "oneDNN does not run here: " + e.getMessage();
    }
  }

  /** oneDNN's version and instruction set, for the self-check's marker key. */
  static String version() {
    try (Dnnl dnnl = Dnnl.cpu()) {
      return dnnl.version() + "/" + dnnl.isaName();
    }
  }
}
