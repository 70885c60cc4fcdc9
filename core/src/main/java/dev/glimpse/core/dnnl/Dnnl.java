package dev.glimpse.core.dnnl;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * oneDNN's CPU engine and the descriptor, memory and primitive calls made on it. Every status code
 * is checked ({@link DnnlException} names the call); every handle created here belongs to the
 * {@link DnnlScope} passed in.
 *
 * <p>The engine is thread-safe; descriptors and primitives are immutable once created and may be
 * executed from any thread, each thread on its own {@link #stream(DnnlScope) stream}.
 */
public final class Dnnl implements AutoCloseable {
  /** oneDNN's data types, as Glimpse uses them. */
  public enum Type {
    F32(dnnl_f32, 4),
    BF16(dnnl_bf16, 2);

    final int code;
    final int bytes;

    Type(int code, int bytes) {
      this.code = code;
      this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
      return bytes;
    }
  }

  private final dnnl_engine engine;

  private Dnnl(dnnl_engine engine) {
    this.engine = engine;
  }

  /**
   * Opens the CPU engine.
   *
   * @throws DnnlException if oneDNN's native library does not load on this platform or the engine
   *     cannot start
   */
  public static Dnnl cpu() {
    try {
      dnnl_engine engine = new dnnl_engine();
      check(dnnl_engine_create(engine, dnnl_cpu, 0), "dnnl_engine_create");
      return new Dnnl(engine);
    } catch (LinkageError e) {
      throw new DnnlException("oneDNN's native library does not load here: " + e, e);
    }
  }

  /** oneDNN's version, e.g. {@code 3.8.1}. */
  public String version() {
    org.bytedeco.dnnl.dnnl_version_t v = dnnl_version();
    return v.major() + "." + v.minor() + "." + v.patch();
  }

  /**
   * oneDNN's name for the instruction set its kernels use on this CPU, e.g. {@code
   * avx512_core_bf16}.
   */
  public String isaName() {
    int isa = dnnl_get_effective_cpu_isa();
    if (has(isa, dnnl_cpu_isa_avx10_1_512_amx_fp16)) {
      return "avx10_1_512_amx_fp16";
    }
    if (has(isa, dnnl_cpu_isa_avx512_core_amx)) {
      return "avx512_core_amx";
    }
    if (has(isa, dnnl_cpu_isa_avx512_core_bf16)) {
      return "avx512_core_bf16";
    }
    if (has(isa, dnnl_cpu_isa_avx512_core_vnni)) {
      return "avx512_core_vnni";
    }
    if (has(isa, dnnl_cpu_isa_avx512_core)) {
      return "avx512_core";
    }
    if (has(isa, dnnl_cpu_isa_avx2_vnni_2)) {
      return "avx2_vnni_2";
    }
    if (has(isa, dnnl_cpu_isa_avx2)) {
      return "avx2";
    }
    return "isa " + isa;
  }

  /**
   * Whether this CPU multiplies bfloat16 natively (AVX512_BF16, AMX or AVX-VNNI-INT16's bf16
   * conversions); elsewhere oneDNN emulates bf16, slower than float32.
   */
  public boolean nativeBf16() {
    int isa = dnnl_get_effective_cpu_isa();
    return has(isa, dnnl_cpu_isa_avx512_core_bf16) || has(isa, dnnl_cpu_isa_avx2_vnni_2);
  }

  /** Whether oneDNN's kernels use AVX-512 (avx512_core or better) on this CPU. */
  public boolean avx512() {
    return has(dnnl_get_effective_cpu_isa(), dnnl_cpu_isa_avx512_core);
  }

  private static boolean has(int isa, int wanted) {
    return (isa & wanted) == wanted;
  }

  /** A new stream on this engine; streams are not thread-safe: one per executing thread. */
  public dnnl_stream stream(DnnlScope scope) {
    dnnl_stream stream = new dnnl_stream();
    check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
    return scope.own(stream, () -> dnnl_stream_destroy(stream));
  }

  /** A dense row-major descriptor. */
  public dnnl_memory_desc plain(DnnlScope scope, Type type, long... dims) {
    return withTag(scope, type, denseTag(dims.length), dims);
  }

  /** A descriptor whose layout the primitive created with it picks (for packed weights). */
  public dnnl_memory_desc any(DnnlScope scope, Type type, long... dims) {
    return withTag(scope, type, dnnl_format_tag_any, dims);
  }

  /** The transpose of a row-major matrix: {@code [rows, cols]} stored column after column. */
  public dnnl_memory_desc transposed(DnnlScope scope, Type type, long rows, long cols) {
    return withTag(scope, type, dnnl_ba, rows, cols);
  }

  /** A descriptor with explicit strides, in elements (a view into a larger buffer). */
  public dnnl_memory_desc strided(DnnlScope scope, Type type, long[] dims, long[] strides) {
    if (dims.length != strides.length) {
      throw new IllegalArgumentException("dims and strides differ in length");
    }
    dnnl_memory_desc md = new dnnl_memory_desc();
    check(
        dnnl_memory_desc_create_with_strides(md, dims.length, dims, type.code, strides),
        "dnnl_memory_desc_create_with_strides");
    return scope.own(md, () -> dnnl_memory_desc_destroy(md));
  }

  private dnnl_memory_desc withTag(DnnlScope scope, Type type, int tag, long... dims) {
    dnnl_memory_desc md = new dnnl_memory_desc();
    check(
        dnnl_memory_desc_create_with_tag(md, dims.length, dims, type.code, tag),
        "dnnl_memory_desc_create_with_tag");
    return scope.own(md, () -> dnnl_memory_desc_destroy(md));
  }

  private static int denseTag(int ndims) {
    return switch (ndims) {
      case 1 -> dnnl_a;
      case 2 -> dnnl_ab;
      case 3 -> dnnl_abc;
      case 4 -> dnnl_abcd;
      case 5 -> dnnl_abcde;
      case 6 -> dnnl_abcdef;
      default -> throw new IllegalArgumentException("unsupported rank " + ndims);
    };
  }

  /** Bytes a descriptor's memory takes (packed layouts may pad). */
  public static long size(dnnl_memory_desc md) {
    return dnnl_memory_desc_get_size(md);
  }

  /** A memory object over {@code data}, which must outlive it. */
  public dnnl_memory memory(DnnlScope scope, dnnl_memory_desc md, Pointer data) {
    dnnl_memory memory = new dnnl_memory();
    check(dnnl_memory_create(memory, md, engine, data), "dnnl_memory_create");
    return scope.own(memory, () -> dnnl_memory_destroy(memory));
  }

  /** Post-ops to attach to a primitive, applied in the order they are added. */
  public static final class PostOps {
    private final dnnl_post_ops ops;
    private int count;

    private PostOps(DnnlScope scope) {
      dnnl_post_ops created = new dnnl_post_ops();
      check(dnnl_post_ops_create(created), "dnnl_post_ops_create");
      this.ops = scope.own(created, () -> dnnl_post_ops_destroy(created));
    }

    /** {@code dst = dst_before + result}: accumulate into the destination. */
    public PostOps sum() {
      check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_undef), "append_sum");
      count++;
      return this;
    }

    /** {@code x * sigmoid(alpha x)}; alpha 1.702 is CLIP's QuickGELU. */
    public PostOps swish(float alpha) {
      check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_swish, alpha, 0f), "append_eltwise");
      count++;
      return this;
    }

    /** The exact, erf-based GELU. */
    public PostOps geluErf() {
      check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_gelu_erf, 0f, 0f), "append_eltwise");
      count++;
      return this;
    }

    /** GELU with the tanh approximation (PyTorch's {@code approximate="tanh"}). */
    public PostOps geluTanh() {
      check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_gelu_tanh, 0f, 0f), "append_eltwise");
      count++;
      return this;
    }

    /**
     * Adds a second tensor (broadcast where its dims are 1); returns the execution argument that
     * carries it.
     */
    public int add(dnnl_memory_desc other) {
      check(dnnl_post_ops_append_binary(ops, dnnl_binary_add, other), "append_binary");
      int arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (count + 1) | DNNL_ARG_SRC_1;
      count++;
      return arg;
    }
  }

  /** Empty post-ops, owned by {@code scope}. */
  public PostOps postOps(DnnlScope scope) {
    return new PostOps(scope);
  }

  private static dnnl_primitive_attr attr(DnnlScope scope, PostOps ops) {
    if (ops == null) {
      return null;
    }
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    check(dnnl_primitive_attr_create(attr), "dnnl_primitive_attr_create");
    scope.own(attr, () -> dnnl_primitive_attr_destroy(attr));
    check(dnnl_primitive_attr_set_post_ops(attr, ops.ops), "dnnl_primitive_attr_set_post_ops");
    return attr;
  }

  /** A primitive and the name of the kernel oneDNN picked for it. */
  public record Primitive(dnnl_primitive handle, String implementation) {}

  /**
   * {@code dst = src @ weights (+ bias)}, then the post-ops; batch dims broadcast where they are 1.
   *
   * @param bias null for none
   * @param ops null for none
   */
  public Primitive matmul(
      DnnlScope scope,
      dnnl_memory_desc src,
      dnnl_memory_desc weights,
      dnnl_memory_desc bias,
      dnnl_memory_desc dst,
      PostOps ops) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_matmul_primitive_desc_create(pd, engine, src, weights, bias, dst, attr(local, ops)),
          "dnnl_matmul_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      return primitive(scope, pd);
    }
  }

  /**
   * The packed layout the matmul kernels want for {@code [in, out]} weights of this type, from a
   * matmul of {@code rows} rows; owned by {@code scope}.
   */
  public dnnl_memory_desc packedWeights(
      DnnlScope scope, Type type, long rows, long in, long out, Type dstType) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_matmul_primitive_desc_create(
              pd,
              engine,
              plain(local, type, rows, in),
              any(local, type, in, out),
              null,
              plain(local, dstType, rows, out),
              null),
          "dnnl_matmul_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      dnnl_memory_desc clone = new dnnl_memory_desc();
      check(
          dnnl_memory_desc_clone(clone, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)),
          "dnnl_memory_desc_clone");
      return scope.own(clone, () -> dnnl_memory_desc_destroy(clone));
    }
  }

  /** LayerNorm over the last dim, with scale and shift; {@code dst} may be another type. */
  public Primitive layerNorm(
      DnnlScope scope, dnnl_memory_desc src, dnnl_memory_desc dst, float epsilon) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_layer_normalization_forward_primitive_desc_create(
              pd,
              engine,
              dnnl_forward_inference,
              src,
              dst,
              null,
              epsilon,
              dnnl_use_scale | dnnl_use_shift,
              null),
          "dnnl_layer_normalization_forward_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      return primitive(scope, pd);
    }
  }

  /** Softmax along {@code axis}, max-subtracted ("accurate"). */
  public Primitive softmax(DnnlScope scope, dnnl_memory_desc src, dnnl_memory_desc dst, int axis) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_softmax_forward_primitive_desc_create(
              pd, engine, dnnl_forward_inference, dnnl_softmax_accurate, src, dst, axis, null),
          "dnnl_softmax_forward_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      return primitive(scope, pd);
    }
  }

  /** {@code dst = src0 + src1}, {@code src1} broadcast where its dims are 1. */
  public Primitive add(
      DnnlScope scope, dnnl_memory_desc src0, dnnl_memory_desc src1, dnnl_memory_desc dst) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_binary_primitive_desc_create(pd, engine, dnnl_binary_add, src0, src1, dst, null),
          "dnnl_binary_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      return primitive(scope, pd);
    }
  }

  /**
   * Copies {@code src} into {@code dst}, converting the type and permuting the layout (arguments
   * {@code DNNL_ARG_FROM}, {@code DNNL_ARG_TO}).
   */
  public Primitive reorder(DnnlScope scope, dnnl_memory_desc src, dnnl_memory_desc dst) {
    try (DnnlScope local = new DnnlScope()) {
      dnnl_primitive_desc pd = new dnnl_primitive_desc();
      check(
          dnnl_reorder_primitive_desc_create(pd, src, engine, dst, engine, null),
          "dnnl_reorder_primitive_desc_create");
      local.own(pd, () -> dnnl_primitive_desc_destroy(pd));
      return primitive(scope, pd);
    }
  }

  /** Converts (and repacks) {@code src} memory into {@code dst} memory, now, on {@code stream}. */
  public void reorder(
      dnnl_stream stream,
      dnnl_memory_desc srcMd,
      dnnl_memory src,
      dnnl_memory_desc dstMd,
      dnnl_memory dst) {
    try (DnnlScope local = new DnnlScope()) {
      Primitive p = reorder(local, srcMd, dstMd);
      Call call = new Call(local, p, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, src, dst);
      call.execute(stream);
      check(dnnl_stream_wait(stream), "dnnl_stream_wait");
    }
  }

  private static Primitive primitive(DnnlScope scope, dnnl_primitive_desc pd) {
    PointerPointer<BytePointer> info = new PointerPointer<>(1);
    String impl = "?";
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, info) == dnnl_success) {
      impl = info.get(BytePointer.class, 0).getString();
    }
    info.close();
    dnnl_primitive p = new dnnl_primitive();
    check(dnnl_primitive_create(p, pd), "dnnl_primitive_create");
    return new Primitive(scope.own(p, () -> dnnl_primitive_destroy(p)), impl);
  }

  /** Waits for every call submitted on {@code stream}. */
  public static void await(dnnl_stream stream) {
    check(dnnl_stream_wait(stream), "dnnl_stream_wait");
  }

  /** Throws unless {@code status} is success. */
  static void check(int status, String call) {
    if (status != dnnl_success) {
      throw new DnnlException(call + " failed: " + statusName(status));
    }
  }

  private static String statusName(int status) {
    if (status == dnnl_out_of_memory) {
      return "out of memory";
    }
    if (status == dnnl_invalid_arguments) {
      return "invalid arguments";
    }
    if (status == dnnl_unimplemented) {
      return "unimplemented (no kernel for these shapes and types)";
    }
    return "status " + status;
  }

  @Override
  public void close() {
    dnnl_engine_destroy(engine);
  }
}
