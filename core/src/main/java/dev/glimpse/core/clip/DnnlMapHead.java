package dev.glimpse.core.clip;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.glimpse.core.dnnl.Call;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.Dnnl.Type;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * SigLIP's attention-pooling (MAP) head on oneDNN, the counterpart of the libtorch {@link MapHead}:
 * one learned probe query attends over the image tokens with the tower's head count, the result is
 * projected (no residual around that attention), then {@code y + fc2(act(fc1(LN(y))))}.
 *
 * <p>The probe does not depend on the image, so its query {@code probe Wq + bq} is computed once at
 * load (float32, pre-scaled by {@code 1/sqrt(head width)} as {@link DnnlTransformer} scales its
 * queries). Per plan: {@code kv = tokens Wkv + b} (compute type), {@code scores = q k^T} in
 * float32, softmax to the compute type, {@code ctx = p v}, {@code y = ctx Wout + b} in float32,
 * then the MLP with the residual add fused as a post-op.
 */
@SuppressWarnings("BadImport") // Type is oneDNN's data type everywhere in this class
final class DnnlMapHead {
  private final Dnnl dnnl;
  private final TransformerConfig config;
  private final Type compute;
  private final float[] query; // [W], scaled
  private final DnnlLinear kv; // [W, 2W]
  private final DnnlLinear out;
  private final DnnlLinear fc1;
  private final DnnlLinear fc2;
  private final dnnl_memory lnScale;
  private final dnnl_memory lnShift;

  private DnnlMapHead(
      Dnnl dnnl,
      TransformerConfig config,
      Type compute,
      float[] query,
      DnnlLinear kv,
      DnnlLinear out,
      DnnlLinear fc1,
      DnnlLinear fc2,
      dnnl_memory lnScale,
      dnnl_memory lnShift) {
    this.dnnl = dnnl;
    this.config = config;
    this.compute = compute;
    this.query = query;
    this.kv = kv;
    this.out = out;
    this.fc1 = fc1;
    this.fc2 = fc2;
    this.lnScale = lnScale;
    this.lnShift = lnShift;
  }

  /** Packs the head's weights (of a tower with geometry {@code c}); {@code scope} owns them. */
  static DnnlMapHead load(
      Dnnl dnnl,
      DnnlScope scope,
      dnnl_stream stream,
      WeightReader.MapHead h,
      TransformerConfig c,
      Type compute) {
    int w = c.width();
    int m = c.mlpWidth();
    float scale = (float) (1.0 / Math.sqrt(c.headWidth()));
    float[] query = new float[w];
    for (int o = 0; o < w; o++) {
      double sum = h.qkvBias()[o];
      for (int i = 0; i < w; i++) {
        sum += (double) h.qkvWeight()[o * w + i] * h.probe()[i];
      }
      query[o] = (float) sum * scale;
    }
    // Rows w..3w of the stacked [3W, W] weight are k then v.
    float[] kvWeight = Arrays.copyOfRange(h.qkvWeight(), w * w, 3 * w * w);
    float[] kvBias = Arrays.copyOfRange(h.qkvBias(), w, 3 * w);
    return new DnnlMapHead(
        dnnl,
        c,
        compute,
        query,
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, compute, 64, w, 2L * w, compute),
            kvWeight,
            kvBias,
            2 * w,
            w),
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, compute, 64, w, w, Type.F32),
            h.outWeight(),
            h.outBias(),
            w,
            w),
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, compute, 64, w, m, compute),
            h.fc1Weight(),
            h.fc1Bias(),
            m,
            w),
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, compute, 64, m, w, Type.F32),
            h.fc2Weight(),
            h.fc2Bias(),
            w,
            m),
        DnnlTransformer.vector(dnnl, scope, h.lnWeight()),
        DnnlTransformer.vector(dnnl, scope, h.lnBias()));
  }

  /**
   * The calls that pool {@code batch} images of {@code tokens} tokens: they read the normalised
   * tokens {@code [batch * tokens, W]} (compute type) from {@code normed} and write the features
   * {@code [batch, W]} (float32) into {@code features}. Buffers belong to {@code scope}.
   */
  List<Call> plan(
      DnnlScope scope, int batch, int tokens, NativeBuffer normed, NativeBuffer features) {
    long b = batch;
    long t = tokens;
    long w = config.width();
    long heads = config.heads();
    long d = config.headWidth();
    long m = config.mlpWidth();
    long bytes = compute.bytes();

    // One copy of the query per image: a matmul whose source is broadcast over the batch may fall
    // back to oneDNN's reference kernel (as the broadcast causal mask did).
    NativeBuffer queries32 = NativeBuffer.allocate(scope, b * w * 4);
    FloatBuffer q = queries32.floats();
    for (int i = 0; i < batch; i++) {
      q.put(query);
    }
    NativeBuffer queries = NativeBuffer.allocate(scope, b * w * bytes);
    NativeBuffer kvBuf = NativeBuffer.allocate(scope, b * t * 2 * w * bytes);
    NativeBuffer scores = NativeBuffer.allocate(scope, b * heads * t * 4);
    NativeBuffer probs = NativeBuffer.allocate(scope, b * heads * t * bytes);
    NativeBuffer ctx = NativeBuffer.allocate(scope, b * w * bytes);
    NativeBuffer h = NativeBuffer.allocate(scope, b * w * bytes);
    NativeBuffer mlp = NativeBuffer.allocate(scope, b * m * bytes);

    dnnl_memory_desc tokensMd = dnnl.plain(scope, compute, b * t, w);
    dnnl_memory_desc kvMd = dnnl.plain(scope, compute, b * t, 2 * w);
    dnnl_memory_desc query32Md = dnnl.plain(scope, Type.F32, b, heads, 1, d);
    dnnl_memory_desc queryMd = dnnl.plain(scope, compute, b, heads, 1, d);
    dnnl_memory_desc ktMd =
        dnnl.strided(
            scope, compute, new long[] {b, heads, d, t}, new long[] {t * 2 * w, d, 1, 2 * w});
    dnnl_memory_desc vMd =
        dnnl.strided(
            scope, compute, new long[] {b, heads, t, d}, new long[] {t * 2 * w, d, 2 * w, 1});
    dnnl_memory_desc scoresMd = dnnl.plain(scope, Type.F32, b, heads, 1, t);
    dnnl_memory_desc probsMd = dnnl.plain(scope, compute, b, heads, 1, t);
    dnnl_memory_desc ctx4Md = dnnl.plain(scope, compute, b, heads, 1, d);
    dnnl_memory_desc rowsMd = dnnl.plain(scope, compute, b, w);
    dnnl_memory_desc yMd = dnnl.plain(scope, Type.F32, b, w);
    dnnl_memory_desc mlpMd = dnnl.plain(scope, compute, b, m);

    dnnl_memory kvMem = dnnl.memory(scope, kvMd, kvBuf.pointer());
    dnnl_memory queryMem = dnnl.memory(scope, queryMd, queries.pointer());
    dnnl_memory scoresMem = dnnl.memory(scope, scoresMd, scores.pointer());
    dnnl_memory probsMem = dnnl.memory(scope, probsMd, probs.pointer());
    dnnl_memory ctxRows = dnnl.memory(scope, rowsMd, ctx.pointer());
    dnnl_memory hMem = dnnl.memory(scope, rowsMd, h.pointer());
    dnnl_memory yMem = dnnl.memory(scope, yMd, features.pointer());
    dnnl_memory mlpMem = dnnl.memory(scope, mlpMd, mlp.pointer());

    int[] linearArgs = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST};
    int[] productArgs = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
    List<Call> calls = new ArrayList<>(8);
    calls.add(
        new Call(
            scope,
            dnnl.reorder(scope, query32Md, queryMd),
            new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
            dnnl.memory(scope, query32Md, queries32.pointer()),
            queryMem));
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, tokensMd, kv.packed(), bias(scope, 2 * w), kvMd, null),
            linearArgs,
            dnnl.memory(scope, tokensMd, normed.pointer()),
            kv.weight(),
            kv.bias(),
            kvMem));
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, queryMd, ktMd, null, scoresMd, null),
            productArgs,
            queryMem,
            dnnl.memory(scope, ktMd, kvBuf.pointer()),
            scoresMem));
    calls.add(
        new Call(
            scope,
            dnnl.softmax(scope, scoresMd, probsMd, 3),
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
            scoresMem,
            probsMem));
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, probsMd, vMd, null, ctx4Md, null),
            productArgs,
            probsMem,
            dnnl.memory(scope, vMd, kvBuf.pointer(w * bytes)),
            dnnl.memory(scope, ctx4Md, ctx.pointer())));
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, rowsMd, out.packed(), bias(scope, w), yMd, null),
            linearArgs,
            ctxRows,
            out.weight(),
            out.bias(),
            yMem));
    calls.add(
        new Call(
            scope,
            dnnl.layerNorm(scope, yMd, rowsMd, config.layerNormEps()),
            new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT},
            yMem,
            hMem,
            lnScale,
            lnShift));
    Dnnl.PostOps act = DnnlTransformer.activation(dnnl.postOps(scope), config.activation());
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, rowsMd, fc1.packed(), bias(scope, m), mlpMd, act),
            linearArgs,
            hMem,
            fc1.weight(),
            fc1.bias(),
            mlpMem));
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, mlpMd, fc2.packed(), bias(scope, w), yMd, dnnl.postOps(scope).sum()),
            linearArgs,
            mlpMem,
            fc2.weight(),
            fc2.bias(),
            yMem));
    return calls;
  }

  private dnnl_memory_desc bias(DnnlScope scope, long out) {
    return dnnl.plain(scope, Type.F32, 1, out);
  }
}
