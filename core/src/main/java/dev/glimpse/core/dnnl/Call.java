package dev.glimpse.core.dnnl;

import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * One primitive bound to its memory arguments, recorded once and executed many times (a plan's
 * step). Immutable; executing it from two threads at once needs two streams and distinct memory.
 */
public final class Call {
  private final Dnnl.Primitive primitive;
  private final dnnl_exec_arg_t args;
  private final int count;

  /**
   * @param kinds the {@code DNNL_ARG_*} kind of each memory
   * @param memories one per kind
   */
  public Call(DnnlScope scope, Dnnl.Primitive primitive, int[] kinds, dnnl_memory... memories) {
    if (kinds.length != memories.length) {
      throw new IllegalArgumentException(
          kinds.length + " kinds for " + memories.length + " memories");
    }
    this.primitive = primitive;
    this.count = kinds.length;
    dnnl_exec_arg_t a = new dnnl_exec_arg_t(count);
    for (int i = 0; i < count; i++) {
      a.position(i).arg(kinds[i]).memory(memories[i]);
    }
    this.args = scope.own(a.position(0), a::close);
  }

  /** Submits the call on {@code stream}; {@link Dnnl#await} waits for it. */
  public void execute(dnnl_stream stream) {
    Dnnl.check(
        dnnl_primitive_execute(primitive.handle(), stream, count, args),
        primitive.implementation());
  }

  /** The kernel oneDNN picked, e.g. {@code brg_matmul:avx512_core_bf16}. */
  public String implementation() {
    return primitive.implementation();
  }
}
