package dev.glimpse.core.clip;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.dnnl.Call;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.Dnnl.Type;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The residual blocks of one tower (CLIP or SigLIP) on oneDNN, computing in bfloat16 (the fast
 * mode) or float32 (exact): in bf16, LayerNorm outputs, linear weights and attention operands are
 * bf16, while the residual stream, every accumulation, the biases, LayerNorm statistics and the
 * softmax are float32.
 *
 * <p>Per block: {@code h = LN1(x)} (bf16), {@code qkv = h Wqkv + b} (query rows pre-scaled by
 * {@code 1/sqrt(head width)}), {@code scores = q k^T} (+ the causal mask) in float32, softmax to
 * bf16, {@code ctx = p v}, {@code x += ctx Wout + b}; {@code h = LN2(x)}, {@code a = act(h W1 +
 * b1)} (bf16), {@code x += a W2 + b2}. The activation and the residual adds are fused into the
 * matmuls as post-ops.
 */
@SuppressWarnings("BadImport") // Type is oneDNN's data type everywhere in this class
final class DnnlTransformer {
  private static final Logger LOG = LoggerFactory.getLogger(DnnlTransformer.class);
  private static final float QUICK_GELU_ALPHA = 1.702f;

  private record Layer(
      DnnlLinear qkv,
      DnnlLinear out,
      DnnlLinear fc1,
      DnnlLinear fc2,
      dnnl_memory ln1Scale,
      dnnl_memory ln1Shift,
      dnnl_memory ln2Scale,
      dnnl_memory ln2Shift) {}

  /** A plan's residual stream buffer and the calls that run every block over it. */
  record Blocks(NativeBuffer x, List<Call> calls) {}

  private final Dnnl dnnl;
  private final TransformerConfig config;
  private final Type compute;
  private final List<Layer> layers;

  private DnnlTransformer(Dnnl dnnl, TransformerConfig config, Type compute, List<Layer> layers) {
    this.dnnl = dnnl;
    this.config = config;
    this.compute = compute;
    this.layers = layers;
  }

  /** Reads and packs every block of {@code tower}, one block's floats at a time. */
  static DnnlTransformer load(
      Dnnl dnnl,
      DnnlScope scope,
      dnnl_stream stream,
      WeightReader reader,
      Tower tower,
      TransformerConfig c,
      Type compute)
      throws CheckpointException {
    int w = c.width();
    int m = c.mlpWidth();
    dnnl_memory_desc qkvMd = dnnl.packedWeights(scope, compute, 64, w, 3L * w, compute);
    dnnl_memory_desc outMd = dnnl.packedWeights(scope, compute, 64, w, w, Type.F32);
    dnnl_memory_desc fc1Md = dnnl.packedWeights(scope, compute, 64, w, m, compute);
    dnnl_memory_desc fc2Md = dnnl.packedWeights(scope, compute, 64, m, w, Type.F32);
    float queryScale = (float) (1.0 / Math.sqrt(c.headWidth()));
    List<Layer> layers = new ArrayList<>(c.layers());
    for (int i = 0; i < c.layers(); i++) {
      WeightReader.Block b = reader.block(tower, c, i);
      float[] qkvW = b.qkvWeight().clone();
      float[] qkvB = b.qkvBias().clone();
      for (int j = 0; j < w * w; j++) {
        qkvW[j] *= queryScale;
      }
      for (int j = 0; j < w; j++) {
        qkvB[j] *= queryScale;
      }
      layers.add(
          new Layer(
              DnnlLinear.pack(dnnl, scope, stream, qkvMd, qkvW, qkvB, 3 * w, w),
              DnnlLinear.pack(dnnl, scope, stream, outMd, b.outWeight(), b.outBias(), w, w),
              DnnlLinear.pack(dnnl, scope, stream, fc1Md, b.fc1Weight(), b.fc1Bias(), m, w),
              DnnlLinear.pack(dnnl, scope, stream, fc2Md, b.fc2Weight(), b.fc2Bias(), w, m),
              vector(dnnl, scope, b.ln1Weight()),
              vector(dnnl, scope, b.ln1Bias()),
              vector(dnnl, scope, b.ln2Weight()),
              vector(dnnl, scope, b.ln2Bias())));
    }
    return new DnnlTransformer(dnnl, c, compute, layers);
  }

  /** Appends {@code activation} to {@code ops} as an eltwise post-op. */
  static Dnnl.PostOps activation(Dnnl.PostOps ops, Activation activation) {
    return switch (activation) {
      case QUICK_GELU -> ops.swish(QUICK_GELU_ALPHA);
      case GELU -> ops.geluErf();
      case GELU_TANH -> ops.geluTanh();
    };
  }

  static dnnl_memory vector(Dnnl dnnl, DnnlScope scope, float[] values) {
    NativeBuffer data = NativeBuffer.allocate(scope, (long) values.length * Float.BYTES);
    data.floats().put(values);
    return dnnl.memory(scope, dnnl.plain(scope, Type.F32, values.length), data.pointer());
  }

  /**
   * Buffers and calls for {@code batch} sequences of {@code tokens} tokens, owned by {@code scope}.
   * The caller writes the embedded tokens into {@link Blocks#x} ({@code [batch * tokens, width]}
   * float32), executes the calls in order and reads the result from the same buffer.
   *
   * @param causal mask attention to later tokens (the text tower)
   */
  Blocks plan(DnnlScope scope, int batch, int tokens, boolean causal) {
    long b = batch;
    long t = tokens;
    long rows = b * t;
    long w = config.width();
    long heads = config.heads();
    long d = config.headWidth();
    long m = config.mlpWidth();

    NativeBuffer x = NativeBuffer.allocate(scope, rows * w * 4);
    long bytes = compute.bytes();
    NativeBuffer h = NativeBuffer.allocate(scope, rows * w * bytes);
    NativeBuffer qkv = NativeBuffer.allocate(scope, rows * 3 * w * bytes);
    NativeBuffer scores = NativeBuffer.allocate(scope, b * heads * t * t * 4);
    NativeBuffer probs = NativeBuffer.allocate(scope, b * heads * t * t * bytes);
    NativeBuffer mlp = NativeBuffer.allocate(scope, rows * m * bytes);

    dnnl_memory_desc xMd = dnnl.plain(scope, Type.F32, rows, w);
    dnnl_memory_desc hMd = dnnl.plain(scope, compute, rows, w);
    dnnl_memory_desc qkvMd = dnnl.plain(scope, compute, rows, 3 * w);
    dnnl_memory_desc mlpMd = dnnl.plain(scope, compute, rows, m);
    long[] heads4 = {b, heads, t, d};
    long[] rowMajorHeads = {t * 3 * w, d, 3 * w, 1};
    dnnl_memory_desc qMd = dnnl.strided(scope, compute, heads4, rowMajorHeads);
    dnnl_memory_desc ktMd =
        dnnl.strided(
            scope, compute, new long[] {b, heads, d, t}, new long[] {t * 3 * w, d, 1, 3 * w});
    dnnl_memory_desc vMd = dnnl.strided(scope, compute, heads4, rowMajorHeads);
    dnnl_memory_desc scoresMd = dnnl.plain(scope, Type.F32, b, heads, t, t);
    dnnl_memory_desc probsMd = dnnl.plain(scope, compute, b, heads, t, t);
    dnnl_memory_desc ctxMd = dnnl.strided(scope, compute, heads4, new long[] {t * w, d, w, 1});

    dnnl_memory xMem = dnnl.memory(scope, xMd, x.pointer());
    dnnl_memory hMem = dnnl.memory(scope, hMd, h.pointer());
    dnnl_memory qkvMem = dnnl.memory(scope, qkvMd, qkv.pointer());
    dnnl_memory qMem = dnnl.memory(scope, qMd, qkv.pointer());
    dnnl_memory kMem = dnnl.memory(scope, ktMd, qkv.pointer(w * bytes));
    dnnl_memory vMem = dnnl.memory(scope, vMd, qkv.pointer(2 * w * bytes));
    dnnl_memory scoresMem = dnnl.memory(scope, scoresMd, scores.pointer());
    dnnl_memory probsMem = dnnl.memory(scope, probsMd, probs.pointer());
    dnnl_memory ctxMem = dnnl.memory(scope, ctxMd, h.pointer());
    dnnl_memory mlpMem = dnnl.memory(scope, mlpMd, mlp.pointer());

    Layer first = layers.get(0);
    Dnnl.Primitive ln = dnnl.layerNorm(scope, xMd, hMd, config.layerNormEps());
    Dnnl.Primitive qkvMm =
        dnnl.matmul(scope, hMd, first.qkv().packed(), biasMd(scope, 3 * w), qkvMd, null);
    Dnnl.PostOps maskOps = null;
    int maskArg = 0;
    dnnl_memory maskMem = null;
    if (causal) {
      // One copy of the mask per sequence, broadcast over the heads only: broadcasting over the
      // batch as well ([1, 1, t, t]) sends oneDNN to its reference matmul (ref:any), 10x slower.
      dnnl_memory_desc maskMd = dnnl.plain(scope, Type.F32, b, 1, t, t);
      NativeBuffer mask = NativeBuffer.allocate(scope, b * t * t * 4);
      float[] one = TokenRows.causalMask(tokens);
      java.nio.FloatBuffer masks = mask.floats();
      for (int i = 0; i < batch; i++) {
        masks.put(one);
      }
      maskMem = dnnl.memory(scope, maskMd, mask.pointer());
      maskOps = dnnl.postOps(scope);
      maskArg = maskOps.add(maskMd);
    }
    Dnnl.Primitive qk = dnnl.matmul(scope, qMd, ktMd, null, scoresMd, maskOps);
    Dnnl.Primitive softmax = dnnl.softmax(scope, scoresMd, probsMd, 3);
    Dnnl.Primitive pv = dnnl.matmul(scope, probsMd, vMd, null, ctxMd, null);
    Dnnl.Primitive outMm =
        dnnl.matmul(
            scope, hMd, first.out().packed(), biasMd(scope, w), xMd, dnnl.postOps(scope).sum());
    Dnnl.PostOps act = activation(dnnl.postOps(scope), config.activation());
    Dnnl.Primitive fc1Mm =
        dnnl.matmul(scope, hMd, first.fc1().packed(), biasMd(scope, m), mlpMd, act);
    Dnnl.Primitive fc2Mm =
        dnnl.matmul(
            scope, mlpMd, first.fc2().packed(), biasMd(scope, w), xMd, dnnl.postOps(scope).sum());

    int[] normArgs = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT};
    int[] linearArgs = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST};
    int[] productArgs = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
    Call scoresCall =
        causal
            ? new Call(
                scope,
                qk,
                new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, maskArg},
                qMem,
                kMem,
                scoresMem,
                maskMem)
            : new Call(scope, qk, productArgs, qMem, kMem, scoresMem);
    Call softmaxCall =
        new Call(scope, softmax, new int[] {DNNL_ARG_SRC, DNNL_ARG_DST}, scoresMem, probsMem);
    Call contextCall = new Call(scope, pv, productArgs, probsMem, vMem, ctxMem);

    List<Call> calls = new ArrayList<>(layers.size() * 9);
    for (Layer l : layers) {
      calls.add(new Call(scope, ln, normArgs, xMem, hMem, l.ln1Scale(), l.ln1Shift()));
      calls.add(new Call(scope, qkvMm, linearArgs, hMem, l.qkv().weight(), l.qkv().bias(), qkvMem));
      calls.add(scoresCall);
      calls.add(softmaxCall);
      calls.add(contextCall);
      calls.add(new Call(scope, outMm, linearArgs, hMem, l.out().weight(), l.out().bias(), xMem));
      calls.add(new Call(scope, ln, normArgs, xMem, hMem, l.ln2Scale(), l.ln2Shift()));
      calls.add(new Call(scope, fc1Mm, linearArgs, hMem, l.fc1().weight(), l.fc1().bias(), mlpMem));
      calls.add(new Call(scope, fc2Mm, linearArgs, mlpMem, l.fc2().weight(), l.fc2().bias(), xMem));
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "onednn plan {} x {} tokens: {}",
          batch,
          tokens,
          calls.subList(0, 9).stream().map(Call::implementation).toList());
    }
    return new Blocks(x, List.copyOf(calls));
  }

  private dnnl_memory_desc biasMd(DnnlScope scope, long out) {
    return dnnl.plain(scope, Type.F32, 1, out);
  }
}
