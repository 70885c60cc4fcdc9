package dev.glimpse.core.clip;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.dnnl.Call;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.Dnnl.Type;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ViT image tower on oneDNN, pixels to features in one run of recorded calls: the patches cut
 * out of the pixels by a reorder (to the compute type), the patch embedding as a matmul, positions
 * added, then per head. CLIP ({@link VisionHead#CLASS_TOKEN}): ln_pre, the blocks ({@link
 * DnnlTransformer}), ln_post on the class rows and the float32 projection; only the class token's
 * row is written from Java. SigLIP ({@link VisionHead#MAP}): the patch bias, no class token and no
 * ln_pre, the blocks, ln_post on every token and the {@link DnnlMapHead}.
 */
@SuppressWarnings("BadImport") // Type is oneDNN's data type everywhere in this class
final class DnnlVisionTower {
  private static final Logger LOG = LoggerFactory.getLogger(DnnlVisionTower.class);
  private static final int PLANS = 4;

  private final Dnnl dnnl;
  private final ClipConfig config;
  private final Type compute;
  private final DnnlTransformer blocks;
  private final DnnlPlans plans;
  private final DnnlLinear patchEmbedding; // compute type, [3 * patch * patch, width]
  private final float[] patchPositions; // [patches, width]
  private final float[] classRow; // class embedding + position 0; null for MAP
  private final dnnl_memory[] lnPre; // scale, shift; null for MAP
  private final dnnl_memory[] lnPost;
  private final DnnlLinear projection; // float32, [width, embed]; null for MAP
  private final DnnlMapHead mapHead; // null for CLASS_TOKEN

  private DnnlVisionTower(
      Dnnl dnnl,
      ClipConfig config,
      Type compute,
      DnnlTransformer blocks,
      DnnlPlans plans,
      DnnlLinear patchEmbedding,
      float[] patchPositions,
      float[] classRow,
      dnnl_memory[] lnPre,
      dnnl_memory[] lnPost,
      DnnlLinear projection,
      DnnlMapHead mapHead) {
    this.dnnl = dnnl;
    this.config = config;
    this.compute = compute;
    this.blocks = blocks;
    this.plans = plans;
    this.patchEmbedding = patchEmbedding;
    this.patchPositions = patchPositions;
    this.classRow = classRow;
    this.lnPre = lnPre;
    this.lnPost = lnPost;
    this.projection = projection;
    this.mapHead = mapHead;
  }

  /** Packs the image tower's weights; {@code scope} owns them and the plans. */
  static DnnlVisionTower load(
      Dnnl dnnl, DnnlScope scope, dnnl_stream stream, WeightReader reader, Type compute)
      throws CheckpointException {
    DnnlTransformer blocks =
        DnnlTransformer.load(
            dnnl,
            scope,
            stream,
            reader,
            Tower.VISION,
            reader.config().vision().transformer(),
            compute);
    VisionConfig v = reader.config().vision();
    int w = v.transformer().width();
    int e = reader.config().embedDim();
    int patchInputs = 3 * v.patchSize() * v.patchSize();
    boolean map = v.head() == VisionHead.MAP;
    DnnlLinear patch =
        DnnlLinear.pack(
            dnnl,
            scope,
            stream,
            dnnl.packedWeights(scope, compute, 64, patchInputs, w, Type.F32),
            reader.patchConv(),
            map ? reader.patchBias() : new float[w],
            w,
            patchInputs);
    float[] positions = reader.visionPositions();
    dnnl_memory[] lnPost = {
      DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_POST_W, "ln_post", w)),
      DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_POST_B, "ln_post", w))
    };
    if (map) {
      DnnlMapHead head =
          DnnlMapHead.load(dnnl, scope, stream, reader.mapHead(), v.transformer(), compute);
      DnnlPlans plans = new DnnlPlans(dnnl.stream(scope), PLANS);
      scope.own(plans, plans::close);
      return new DnnlVisionTower(
          dnnl,
          reader.config(),
          compute,
          blocks,
          plans,
          patch,
          positions,
          null,
          null,
          lnPost,
          null,
          head);
    }
    float[] classRow = reader.classEmbedding();
    for (int i = 0; i < w; i++) {
      classRow[i] += positions[i];
    }
    float[] patchPositions = java.util.Arrays.copyOfRange(positions, w, positions.length);
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
    DnnlPlans plans = new DnnlPlans(dnnl.stream(scope), PLANS);
    scope.own(plans, plans::close);
    return new DnnlVisionTower(
        dnnl,
        reader.config(),
        compute,
        blocks,
        plans,
        patch,
        patchPositions,
        classRow,
        new dnnl_memory[] {
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_PRE_W, "ln_pre", w)),
          DnnlTransformer.vector(dnnl, scope, reader.global(Global.LN_PRE_B, "ln_pre", w))
        },
        lnPost,
        project,
        null);
  }

  /** Unnormalised image features of {@code count} preprocessed CHW images, back to back. */
  float[][] encode(float[] pixels, int count) {
    VisionConfig v = config.vision();
    int tokens = v.tokens();
    int w = v.transformer().width();
    int e = config.embedDim();
    return plans.with(
        count,
        scope -> plan(scope, count),
        (plan, runner) -> {
          plan.input().floats().put(pixels);
          if (classRow != null) {
            FloatBuffer x = plan.x().floats();
            for (int b = 0; b < count; b++) {
              x.put(b * tokens * w, classRow);
            }
          }
          runner.run(plan.calls());
          FloatBuffer out = plan.output().floats();
          float[][] features = new float[count][e];
          for (int b = 0; b < count; b++) {
            out.get(b * e, features[b]);
          }
          return features;
        });
  }

  /** The kernels oneDNN picked for a batch of {@code count} images, call by call (diagnostics). */
  List<String> kernels(DnnlScope scope, int count) {
    return plan(scope, count).calls().stream().map(Call::implementation).toList();
  }

  /**
   * Pixels to features for {@code count} images: the patches cut out of the pixels by a reorder (to
   * bf16), the patch embedding as a matmul, the patch positions added, the class token row (written
   * by the caller) joined, ln_pre in place, the blocks, ln_post on the class rows and the
   * projection; for a MAP tower, the patch rows alone, the blocks, ln_post on every row and the
   * head.
   */
  private DnnlPlans.Plan plan(DnnlScope scope, int count) {
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
    boolean map = mapHead != null;
    NativeBuffer pixels = NativeBuffer.allocate(scope, b * 3 * s * s * 4);
    NativeBuffer cut = NativeBuffer.allocate(scope, b * patches * k * compute.bytes());
    NativeBuffer features = NativeBuffer.allocate(scope, b * e * 4);
    DnnlTransformer.Blocks layers = blocks.plan(scope, count, v.tokens(), false);
    NativeBuffer x = layers.x();
    // Without a class token the embedded patches are the residual stream's rows as they are.
    NativeBuffer embedded = map ? x : NativeBuffer.allocate(scope, b * patches * w * 4);

    // (image, patch row, patch column, channel, y in patch, x in patch): the conv weight's order.
    var pixelMd =
        dnnl.strided(
            scope,
            Type.F32,
            new long[] {b, g, g, 3, p, p},
            new long[] {3 * s * s, p * s, p, s * s, s, 1});
    var cutMd = dnnl.plain(scope, compute, b, g, g, 3, p, p);
    var patchMd = dnnl.plain(scope, compute, b * patches, k);
    var embeddedMd = dnnl.plain(scope, Type.F32, b * patches, w);
    var embedded3Md = dnnl.plain(scope, Type.F32, b, patches, w);
    var patchRowsMd =
        dnnl.strided(scope, Type.F32, new long[] {b, patches, w}, new long[] {t * w, w, 1});
    var xMd = dnnl.plain(scope, Type.F32, b * t, w);
    var classRowsMd = dnnl.strided(scope, Type.F32, new long[] {b, w}, new long[] {t * w, 1});
    var featuresMd = dnnl.plain(scope, Type.F32, b, e);

    dnnl_memory xMem = dnnl.memory(scope, xMd, x.pointer());
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
    // Positions are added as a post-op with one copy per image (no broadcast, which oneDNN's
    // kernels handle less well), into dense rows; a reorder then places them after each image's
    // class row (a binary primitive writing strided rows ran on oneDNN's reference kernel).
    var patchBias = dnnl.plain(scope, Type.F32, 1, w);
    NativeBuffer positions = NativeBuffer.allocate(scope, b * patches * w * 4);
    FloatBuffer positionRows = positions.floats();
    for (int i = 0; i < count; i++) {
      positionRows.put(patchPositions);
    }
    Dnnl.PostOps addPositions = dnnl.postOps(scope);
    int positionsArg = addPositions.add(embeddedMd);
    calls.add(
        new Call(
            scope,
            dnnl.matmul(
                scope, patchMd, patchEmbedding.packed(), patchBias, embeddedMd, addPositions),
            new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST, positionsArg},
            dnnl.memory(scope, patchMd, cut.pointer()),
            patchEmbedding.weight(),
            patchEmbedding.bias(),
            dnnl.memory(scope, embeddedMd, embedded.pointer()),
            dnnl.memory(scope, embeddedMd, positions.pointer())));
    if (map) {
      calls.addAll(layers.calls());
      // ln_post on every token, straight to the compute type: the head's kv matmul reads it.
      NativeBuffer normed = NativeBuffer.allocate(scope, b * t * w * compute.bytes());
      var normedMd = dnnl.plain(scope, compute, b * t, w);
      calls.add(
          new Call(
              scope,
              dnnl.layerNorm(scope, xMd, normedMd, eps),
              normArgs,
              xMem,
              dnnl.memory(scope, normedMd, normed.pointer()),
              lnPost[0],
              lnPost[1]));
      calls.addAll(mapHead.plan(scope, count, (int) t, normed, features));
      return finish(scope, count, pixels, x, calls, features);
    }
    calls.add(
        new Call(
            scope,
            dnnl.reorder(scope, embedded3Md, patchRowsMd),
            new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
            dnnl.memory(scope, embedded3Md, embedded.pointer()),
            dnnl.memory(scope, patchRowsMd, x.pointer(w * 4))));
    calls.add(
        new Call(
            scope, dnnl.layerNorm(scope, xMd, xMd, eps), normArgs, xMem, xMem, lnPre[0], lnPre[1]));
    calls.addAll(layers.calls());
    NativeBuffer pooled = NativeBuffer.allocate(scope, b * w * 4);
    var pooledMd = dnnl.plain(scope, Type.F32, b, w);
    dnnl_memory pooledMem = dnnl.memory(scope, pooledMd, pooled.pointer());
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
            dnnl.matmul(scope, pooledMd, projection.packed(), projectionBias, featuresMd, null),
            linearArgs,
            pooledMem,
            projection.weight(),
            projection.bias(),
            dnnl.memory(scope, featuresMd, features.pointer())));
    return finish(scope, count, pixels, x, calls, features);
  }

  private static DnnlPlans.Plan finish(
      DnnlScope scope,
      int count,
      NativeBuffer pixels,
      NativeBuffer x,
      List<Call> calls,
      NativeBuffer features) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "onednn image plan for {}: {}", count, calls.stream().map(Call::implementation).toList());
    }
    return new DnnlPlans.Plan(scope, pixels, x, List.copyOf(calls), features);
  }
}
