package dev.glimpse.core.clip;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.dnnl.Call;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.Dnnl.Type;
import dev.glimpse.core.dnnl.DnnlException;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * Both towers on oneDNN in bfloat16 ({@link Precision#BF16}, the fast mode): the transformer blocks
 * run as {@link DnnlTransformer}; the patch embedding is a float32 matmul; token and position
 * embeddings, the first and last LayerNorms and the projections run in Java in float32.
 *
 * <p>Each tower keeps a few execution plans (buffers and recorded calls for one batch shape) and
 * reuses them, so steady-state encoding allocates no native memory. A tower runs one call at a time
 * (oneDNN already spreads each call over every core); the two towers may run at once.
 */
final class DnnlTowers implements Towers {
  /** Text plans are made for lengths rounded up to this (the tower is causal: padding is inert). */
  static final int TEXT_LENGTH_STEP = 8;

  private static final int VISION_PLANS = 4;
  private static final int TEXT_PLANS = 16;

  private final Dnnl dnnl;
  private final DnnlScope weights;
  private final ClipConfig config;
  private final Side vision;
  private final Side text;

  // Vision ends: patch embedding (bf16), positions of the patch tokens, the class token's row,
  // ln_pre and ln_post (scale, shift), projection (float32).
  private final DnnlLinear patchEmbedding;
  private final dnnl_memory patchPositions;
  private final float[] classRow;
  private final dnnl_memory[] lnPre;
  private final dnnl_memory[] lnPost;
  private final DnnlLinear visionProjection;

  // Text ends.
  private final FloatBuffer tokenEmbedding;
  private final float[] textPositions;
  private final float[] lnFinalW;
  private final float[] lnFinalB;
  private final float[] textProjection;

  /** One tower's blocks, its stream and its plans; used under its lock only. */
  private static final class Side {
    final DnnlTransformer blocks;
    final dnnl_stream stream;
    final ReentrantLock lock = new ReentrantLock();
    final Map<Long, Plan> plans;

    Side(DnnlTransformer blocks, dnnl_stream stream, int maxPlans) {
      this.blocks = blocks;
      this.stream = stream;
      this.plans =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Plan> eldest) {
              if (size() > maxPlans) {
                eldest.getValue().scope().close();
                return true;
              }
              return false;
            }
          };
    }

    Plan plan(long key, Function<DnnlScope, Plan> build) {
      Plan p = plans.get(key);
      if (p == null) {
        DnnlScope scope = new DnnlScope();
        try {
          p = build.apply(scope);
        } catch (RuntimeException | Error e) {
          scope.close();
          throw e;
        }
        plans.put(key, p);
      }
      return p;
    }

    void closePlans() {
      for (Plan p : plans.values()) {
        p.scope().close();
      }
      plans.clear();
    }
  }

  /**
   * Buffers and calls for one batch shape: the caller fills {@code input} (pixels; null for text)
   * and the rows of {@code x} the calls do not write, runs {@code calls} and reads {@code output}
   * (image features; for text, the rows of {@code x}).
   */
  private record Plan(
      DnnlScope scope, NativeBuffer input, NativeBuffer x, List<Call> calls, NativeBuffer output) {}

  private record VisionEnds(
      DnnlLinear patchEmbedding,
      dnnl_memory patchPositions,
      float[] classRow,
      dnnl_memory[] lnPre,
      dnnl_memory[] lnPost,
      DnnlLinear projection) {}

  private DnnlTowers(
      Dnnl dnnl,
      DnnlScope weights,
      WeightReader reader,
      Side vision,
      Side text,
      VisionEnds ends,
      FloatBuffer tokenEmbedding)
      throws CheckpointException {
    this.dnnl = dnnl;
    this.weights = weights;
    this.config = reader.config();
    this.vision = vision;
    this.text = text;
    this.patchEmbedding = ends.patchEmbedding();
    this.patchPositions = ends.patchPositions();
    this.classRow = ends.classRow();
    this.lnPre = ends.lnPre();
    this.lnPost = ends.lnPost();
    this.visionProjection = ends.projection();
    this.tokenEmbedding = tokenEmbedding;
    int tw = config.text().transformer().width();
    this.textPositions = reader.textPositions();
    this.lnFinalW = reader.global(Global.LN_FINAL_W, "ln_final", tw);
    this.lnFinalB = reader.global(Global.LN_FINAL_B, "ln_final", tw);
    this.textProjection = reader.projection(Global.TEXT_PROJECTION, tw);
  }

  private static VisionEnds visionEnds(
      Dnnl dnnl, DnnlScope scope, dnnl_stream stream, WeightReader reader)
      throws CheckpointException {
    VisionConfig v = reader.config().vision();
    int w = v.transformer().width();
    int e = reader.config().embedDim();
    int patchInputs = 3 * v.patchSize() * v.patchSize();
    DnnlLinear patch =
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, Type.BF16, 64, patchInputs, w, Type.F32),
            reader.patchConv(),
            new float[w],
            w,
            patchInputs);
    float[] positions = reader.visionPositions();
    float[] classRow = reader.classEmbedding();
    for (int i = 0; i < w; i++) {
      classRow[i] += positions[i];
    }
    float[] patchPositions = java.util.Arrays.copyOfRange(positions, w, positions.length);
    NativeBuffer positionData =
        NativeBuffer.allocate(scope, (long) patchPositions.length * Float.BYTES);
    positionData.floats().put(patchPositions);
    dnnl_memory positionMemory =
        dnnl.memory(
            scope,
            dnnl.plain(scope, Type.F32, 1, (long) v.grid() * v.grid(), w),
            positionData.pointer());
    float[] projection = reader.projection(Global.VISION_PROJECTION, w); // [w, e]
    DnnlLinear project =
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, Type.F32, 64, w, e, Type.F32),
            WeightReader.transpose(projection, w, e),
            new float[e],
            e,
            w);
    return new VisionEnds(
        patch,
        positionMemory,
        classRow,
        new dnnl_memory[] {
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_PRE_W, "ln_pre", w)),
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_PRE_B, "ln_pre", w))
        },
        new dnnl_memory[] {
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_POST_W, "ln_post", w)),
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_POST_B, "ln_post", w))
        },
        project);
  }

  /**
   * Packs both towers' weights.
   *
   * @throws DnnlUnavailableException if oneDNN does not load here or rejects the model
   */
  static DnnlTowers load(WeightReader reader) throws CheckpointException {
    Dnnl dnnl;
    try {
      dnnl = Dnnl.cpu();
    } catch (DnnlException e) {
      throw new DnnlUnavailableException(e.getMessage(), e);
    }
    DnnlScope weights = new DnnlScope();
    try {
      ClipConfig config = reader.config();
      VisionConfig v = config.vision();
      TextConfig t = config.text();
      dnnl_stream loadStream = dnnl.stream(weights);
      DnnlTransformer visionBlocks =
          DnnlTransformer.load(dnnl, weights, loadStream, reader, Tower.VISION, v.transformer());
      DnnlTransformer textBlocks =
          DnnlTransformer.load(dnnl, weights, loadStream, reader, Tower.TEXT, t.transformer());
      VisionEnds ends = visionEnds(dnnl, weights, loadStream, reader);
      int tw = t.transformer().width();
      float[] tokens = reader.tokenEmbedding();
      NativeBuffer tokenData = NativeBuffer.allocate(weights, (long) tokens.length * Float.BYTES);
      FloatBuffer tokenView = tokenData.floats();
      tokenView.put(tokens);
      if (tokens.length != (long) t.vocabSize() * tw) {
        throw new IllegalStateException("token embedding size");
      }
      Side visionSide = new Side(visionBlocks, dnnl.stream(weights), VISION_PLANS);
      Side textSide = new Side(textBlocks, dnnl.stream(weights), TEXT_PLANS);
      return new DnnlTowers(dnnl, weights, reader, visionSide, textSide, ends, tokenView);
    } catch (DnnlException e) {
      weights.close();
      dnnl.close();
      throw new DnnlUnavailableException("oneDNN rejected the model: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      weights.close();
      dnnl.close();
      throw new DnnlUnavailableException(
          "not enough memory for the bf16 weights (JavaCPP counts native memory against the Java"
              + " heap limit unless -Dorg.bytedeco.javacpp.maxBytes=0): "
              + e.getMessage(),
          e);
    } catch (CheckpointException | RuntimeException | Error e) {
      weights.close();
      dnnl.close();
      throw e;
    }
  }

  @Override
  public float[][] imageFeatures(float[] pixels, int count) {
    VisionConfig v = config.vision();
    int tokens = v.tokens();
    int w = v.transformer().width();
    int e = config.embedDim();
    vision.lock.lock();
    try {
      Plan plan = vision.plan(count, scope -> visionPlan(scope, count));
      plan.input().floats().put(pixels);
      FloatBuffer x = plan.x().floats();
      for (int b = 0; b < count; b++) {
        x.put(b * tokens * w, classRow);
      }
      run(plan.calls(), vision.stream);
      FloatBuffer out = plan.output().floats();
      float[][] features = new float[count][e];
      for (int b = 0; b < count; b++) {
        out.get(b * e, features[b]);
      }
      return features;
    } finally {
      vision.lock.unlock();
    }
  }

  /**
   * Pixels to features for {@code count} images: the patches cut out of the pixels by a reorder (to
   * bf16), the patch embedding as a matmul, the patch positions added, the class token row (written
   * by the caller) joined, ln_pre in place, the blocks, ln_post on the class rows and the
   * projection.
   */
  private Plan visionPlan(DnnlScope scope, int count) {
    VisionConfig v = config.vision();
    long b = count;
    long s = v.imageSize();
    long p = v.patchSize();
    long g = v.grid();
    long patches = g * g;
    long t = v.tokens();
    long w = v.transformer().width();
    long k = 3 * p * p;
    long e = config.embedDim();
    float eps = v.transformer().layerNormEps();
    NativeBuffer pixels = NativeBuffer.allocate(scope, b * 3 * s * s * 4);
    NativeBuffer cut = NativeBuffer.allocate(scope, b * patches * k * 2);
    NativeBuffer embedded = NativeBuffer.allocate(scope, b * patches * w * 4);
    NativeBuffer pooled = NativeBuffer.allocate(scope, b * w * 4);
    NativeBuffer features = NativeBuffer.allocate(scope, b * e * 4);
    DnnlTransformer.Blocks blocks = vision.blocks.plan(scope, count, v.tokens(), false);
    NativeBuffer x = blocks.x();

    // (image, patch row, patch column, channel, y in patch, x in patch): the conv weight's order.
    var pixelMd =
        dnnl.strided(
            scope,
            Type.F32,
            new long[] {b, g, g, 3, p, p},
            new long[] {3 * s * s, p * s, p, s * s, s, 1});
    var cutMd = dnnl.plain(scope, Type.BF16, b, g, g, 3, p, p);
    var patchMd = dnnl.plain(scope, Type.BF16, b * patches, k);
    var embeddedMd = dnnl.plain(scope, Type.F32, b * patches, w);
    var embedded3Md = dnnl.plain(scope, Type.F32, b, patches, w);
    var positionsMd = dnnl.plain(scope, Type.F32, 1, patches, w);
    var patchRowsMd =
        dnnl.strided(scope, Type.F32, new long[] {b, patches, w}, new long[] {t * w, w, 1});
    var xMd = dnnl.plain(scope, Type.F32, b * t, w);
    var classRowsMd = dnnl.strided(scope, Type.F32, new long[] {b, w}, new long[] {t * w, 1});
    var pooledMd = dnnl.plain(scope, Type.F32, b, w);
    var featuresMd = dnnl.plain(scope, Type.F32, b, e);

    dnnl_memory xMem = dnnl.memory(scope, xMd, x.pointer());
    dnnl_memory pooledMem = dnnl.memory(scope, pooledMd, pooled.pointer());
    int[] linearArgs = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST};
    int[] normArgs = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT};
    List<Call> calls = new java.util.ArrayList<>();
    calls.add(
        new Call(
            scope,
            dnnl.reorder(scope, pixelMd, cutMd),
            new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
            dnnl.memory(scope, pixelMd, pixels.pointer()),
            dnnl.memory(scope, cutMd, cut.pointer())));
    var patchBias = dnnl.plain(scope, Type.F32, 1, w);
    calls.add(
        new Call(
            scope,
            dnnl.matmul(scope, patchMd, patchEmbedding.packed(), patchBias, embeddedMd, null),
            linearArgs,
            dnnl.memory(scope, patchMd, cut.pointer()),
            patchEmbedding.weight(),
            patchEmbedding.bias(),
            dnnl.memory(scope, embeddedMd, embedded.pointer())));
    calls.add(
        new Call(
            scope,
            dnnl.add(scope, embedded3Md, positionsMd, patchRowsMd),
            new int[] {DNNL_ARG_SRC, DNNL_ARG_SRC_1, DNNL_ARG_DST},
            dnnl.memory(scope, embedded3Md, embedded.pointer()),
            patchPositions,
            dnnl.memory(scope, patchRowsMd, x.pointer(w * 4))));
    calls.add(
        new Call(
            scope, dnnl.layerNorm(scope, xMd, xMd, eps), normArgs, xMem, xMem, lnPre[0], lnPre[1]));
    calls.addAll(blocks.calls());
    // Class rows gathered by a reorder: layer normalization reads only dense rows correctly.
    calls.add(
        new Call(
            scope,
            dnnl.reorder(scope, classRowsMd, pooledMd),
            new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
            dnnl.memory(scope, classRowsMd, x.pointer()),
            pooledMem));
    calls.add(
        new Call(
            scope,
            dnnl.layerNorm(scope, pooledMd, pooledMd, eps),
            normArgs,
            pooledMem,
            pooledMem,
            lnPost[0],
            lnPost[1]));
    var projectionBias = dnnl.plain(scope, Type.F32, 1, e);
    calls.add(
        new Call(
            scope,
            dnnl.matmul(
                scope, pooledMd, visionProjection.packed(), projectionBias, featuresMd, null),
            linearArgs,
            pooledMem,
            visionProjection.weight(),
            visionProjection.bias(),
            dnnl.memory(scope, featuresMd, features.pointer())));
    return new Plan(scope, pixels, x, List.copyOf(calls), features);
  }

  @Override
  public float[][] textFeatures(long[][] tokenIds, boolean fullContext) {
    TextConfig t = config.text();
    TokenRows rows = TokenRows.of(tokenIds, t, fullContext);
    int w = t.transformer().width();
    int length =
        Math.min(
            t.contextLength(),
            (rows.length() + TEXT_LENGTH_STEP - 1) / TEXT_LENGTH_STEP * TEXT_LENGTH_STEP);
    int count = rows.rows();
    text.lock.lock();
    try {
      long key = (long) count << 32 | length;
      Plan plan =
          text.plan(
              key,
              scope -> {
                DnnlTransformer.Blocks blocks = text.blocks.plan(scope, count, length, true);
                return new Plan(scope, null, blocks.x(), blocks.calls(), blocks.x());
              });
      float[] x = new float[count * length * w];
      float[] row = new float[w];
      for (int r = 0; r < count; r++) {
        for (int i = 0; i < length; i++) {
          long id = i < rows.length() ? rows.ids()[r * rows.length() + i] : 0;
          tokenEmbedding.get((int) (id * w), row);
          int at = (r * length + i) * w;
          for (int k = 0; k < w; k++) {
            x[at + k] = row[k] + textPositions[i * w + k];
          }
        }
      }
      plan.x().floats().put(x);
      run(plan.calls(), text.stream);
      FloatBuffer out = plan.x().floats();
      float eps = t.transformer().layerNormEps();
      float[][] features = new float[count][];
      float[] pooled = new float[w];
      for (int r = 0; r < count; r++) {
        out.get((r * length + rows.pool()[r]) * w, row);
        RowNorm.layerNorm(row, 0, pooled, 0, w, lnFinalW, lnFinalB, eps);
        features[r] = RowNorm.project(pooled, textProjection, w, config.embedDim());
      }
      return features;
    } finally {
      text.lock.unlock();
    }
  }

  private static void run(List<Call> calls, dnnl_stream stream) {
    for (Call c : calls) {
      c.execute(stream);
    }
    Dnnl.await(stream);
  }

  @Override
  public Backend backend() {
    return Backend.ONEDNN;
  }

  /** oneDNN's instruction set here, for logs and manifests. */
  String isaName() {
    return dnnl.isaName();
  }

  @Override
  public void close() {
    vision.lock.lock();
    text.lock.lock();
    try {
      vision.closePlans();
      text.closePlans();
      weights.close();
      dnnl.close();
    } finally {
      text.lock.unlock();
      vision.lock.unlock();
    }
  }
}
