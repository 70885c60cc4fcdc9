import static org.bytedeco.dnnl.global.dnnl.*;
import org.bytedeco.dnnl.*;
import org.bytedeco.javacpp.*;

/**
 * Measures oneDNN matmul (org.bytedeco:dnnl 3.8.1-1.5.12) on the linear-layer shapes of a CLIP
 * transformer block, fp32 and bf16 (bf16 inputs and packed weights, fp32 output). Scratch tool for
 * the fast-encoder issue, not part of the build: see README.md here.
 */
public class OneDnnLinears {
  static void ok(int s, String w) { if (s != 0) throw new RuntimeException(w + " status " + s); }
  static dnnl_engine eng; static dnnl_stream str;

  static dnnl_memory_desc md(long[] dims, int type, int tag) {
    dnnl_memory_desc m = new dnnl_memory_desc();
    ok(dnnl_memory_desc_create_with_tag(m, dims.length, dims, type, tag), "md");
    return m;
  }
  static dnnl_memory mem(dnnl_memory_desc m, long bytes) {
    dnnl_memory out = new dnnl_memory();
    ok(dnnl_memory_create(out, m, eng, new BytePointer(bytes)), "mem");
    return out;
  }
  static void exec(dnnl_primitive p, int[] args, dnnl_memory[] mems) {
    dnnl_exec_arg_t a = new dnnl_exec_arg_t(args.length);
    for (int i = 0; i < args.length; i++) { a.position(i).arg(args[i]).memory(mems[i]); }
    a.position(0);
    ok(dnnl_primitive_execute(p, str, args.length, a), "exec");
  }

  /** One linear M x K @ K x N in the given src/weights type, dst f32. Returns ms per call. */
  static double linear(int M, int K, int N, int type, int reps) {
    int esz = type == dnnl_bf16 ? 2 : 4;
    dnnl_memory_desc src = md(new long[]{M, K}, type, dnnl_ab);
    dnnl_memory_desc wAny = md(new long[]{K, N}, type, dnnl_format_tag_any);
    dnnl_memory_desc dst = md(new long[]{M, N}, dnnl_f32, dnnl_ab);
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    ok(dnnl_matmul_primitive_desc_create(pd, eng, src, wAny, null, dst, null), "pd");
    dnnl_memory_desc wPacked = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive prim = new dnnl_primitive();
    ok(dnnl_primitive_create(prim, pd), "prim");
    dnnl_memory s = mem(src, (long) M * K * esz);
    dnnl_memory w = mem(wPacked, (long) K * N * esz * 2 + 4096);
    dnnl_memory d = mem(dst, (long) M * N * 4);
    int[] args = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
    dnnl_memory[] ms = {s, w, d};
    for (int i = 0; i < 3; i++) exec(prim, args, ms);
    dnnl_stream_wait(str);
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      exec(prim, args, ms);
      dnnl_stream_wait(str);
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    java.util.Arrays.sort(t);
    return t[reps / 2];
  }

  public static void main(String[] a) {
    eng = new dnnl_engine(); ok(dnnl_engine_create(eng, dnnl_cpu, 0), "engine");
    str = new dnnl_stream(); ok(dnnl_stream_create(str, eng, dnnl_stream_default_flags), "stream");
    System.out.println("isa " + dnnl_get_effective_cpu_isa());
    int M = Integer.parseInt(a.length > 0 ? a[0] : "1600");
    int w = Integer.parseInt(a.length > 1 ? a[1] : "768"); int[][] shapes = {{w, 3 * w}, {w, w}, {w, 4 * w}, {4 * w, w}};
    for (int type : new int[]{dnnl_f32, dnnl_bf16}) {
      double total = 0; double flops = 0;
      for (int[] s : shapes) {
        double ms = linear(M, s[0], s[1], type, 21);
        total += ms; flops += 2.0 * M * s[0] * s[1];
        System.out.printf("%s M=%d K=%d N=%d: %.3f ms, %.0f GFLOP/s%n", type == dnnl_bf16 ? "bf16" : "f32", M, s[0], s[1], ms, 2.0 * M * s[0] * s[1] / ms / 1e6);
      }
      System.out.printf("%s block linears: %.2f ms -> 12 layers %.1f ms, %.0f GFLOP/s%n", type == dnnl_bf16 ? "bf16" : "f32", total, total * 12, flops / total / 1e6);
    }
  }
}
