package dev.glimpse.core.clip;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * The text tower on oneDNN: token and position embeddings in Java, the blocks ({@link
 * DnnlTransformer}), then pooling, ln_final and the projection in Java (float32; one row per text).
 * CLIP ({@link TextHead#END_OF_TEXT}) is causal and pools at the end-of-text token; its rows stop
 * at the batch's last end-of-text token, rounded up to a multiple of {@link #LENGTH_STEP}. SigLIP
 * ({@link TextHead#LAST}) attends without a mask, so every row runs the whole context, pools the
 * last position and projects with a bias.
 */
final class DnnlTextTower {
  /** Plans are made for lengths rounded up to this (the tower is causal: padding is inert). */
  static final int LENGTH_STEP = 8;

  private static final int PLANS = 16;

  private final ClipConfig config;
  private final DnnlTransformer blocks;
  private final DnnlPlans plans;
  private final FloatBuffer tokenEmbedding; // [vocab, width], native
  private final float[] positions;
  private final float[] lnFinalW;
  private final float[] lnFinalB;
  private final float[] projection; // [width, embed]
  private final float[] projectionBias; // [embed]; zeros for CLIP

  private DnnlTextTower(
      ClipConfig config,
      DnnlTransformer blocks,
      DnnlPlans plans,
      FloatBuffer tokenEmbedding,
      WeightReader reader)
      throws CheckpointException {
    int w = config.text().transformer().width();
    this.config = config;
    this.blocks = blocks;
    this.plans = plans;
    this.tokenEmbedding = tokenEmbedding;
    this.positions = reader.textPositions();
    this.lnFinalW = reader.global(Global.LN_FINAL_W, "ln_final", w);
    this.lnFinalB = reader.global(Global.LN_FINAL_B, "ln_final", w);
    this.projection = reader.projection(Global.TEXT_PROJECTION, w);
    this.projectionBias =
        config.text().head() == TextHead.LAST
            ? reader.textProjectionBias()
            : new float[config.embedDim()];
  }

  /** Packs the text tower's weights; {@code scope} owns them and the plans. */
  static DnnlTextTower load(
      Dnnl dnnl, DnnlScope scope, dnnl_stream stream, WeightReader reader, Dnnl.Type compute)
      throws CheckpointException {
    TextConfig t = reader.config().text();
    DnnlTransformer blocks =
        DnnlTransformer.load(dnnl, scope, stream, reader, Tower.TEXT, t.transformer(), compute);
    float[] tokens = reader.tokenEmbedding();
    NativeBuffer tokenData = NativeBuffer.allocate(scope, (long) tokens.length * Float.BYTES);
    FloatBuffer tokenView = tokenData.floats();
    tokenView.put(tokens);
    DnnlPlans plans = new DnnlPlans(dnnl.stream(scope), PLANS);
    scope.own(plans, plans::close);
    return new DnnlTextTower(reader.config(), blocks, plans, tokenView, reader);
  }

  /** Token plus position embeddings of the rows, padded to {@code length} tokens. */
  private float[] embed(TokenRows rows, int length) {
    int w = config.text().transformer().width();
    int count = rows.rows();
    float[] x = new float[count * length * w];
    float[] row = new float[w];
    for (int r = 0; r < count; r++) {
      for (int i = 0; i < length; i++) {
        long id = i < rows.length() ? rows.ids()[r * rows.length() + i] : 0;
        tokenEmbedding.get((int) (id * w), row);
        int at = (r * length + i) * w;
        for (int k = 0; k < w; k++) {
          x[at + k] = row[k] + positions[i * w + k];
        }
      }
    }
    return x;
  }

  /** Unnormalised text features, one row per token row. */
  float[][] encode(long[][] tokenIds, boolean fullContext) {
    TextConfig t = config.text();
    TokenRows rows = TokenRows.of(tokenIds, t, fullContext);
    int w = t.transformer().width();
    // Without a causal mask every position reaches the pooled one: no shorter plan is exact.
    int length =
        t.causal()
            ? Math.min(
                t.contextLength(), (rows.length() + LENGTH_STEP - 1) / LENGTH_STEP * LENGTH_STEP)
            : rows.length();
    int count = rows.rows();
    long key = (long) count << 32 | length;
    return plans.with(
        key,
        scope -> {
          DnnlTransformer.Blocks b = blocks.plan(scope, count, length, t.causal());
          return new DnnlPlans.Plan(scope, null, b.x(), b.calls(), b.x());
        },
        (plan, runner) -> {
          // Under the plans' lock, which close() takes too: the token table is native memory.
          plan.x().floats().put(embed(rows, length));
          runner.run(plan.calls());
          FloatBuffer out = plan.output().floats();
          float eps = t.transformer().layerNormEps();
          float[][] features = new float[count][];
          float[] last = new float[w];
          float[] pooled = new float[w];
          for (int r = 0; r < count; r++) {
            out.get((r * length + rows.pool()[r]) * w, last);
            RowNorm.layerNorm(last, 0, pooled, 0, w, lnFinalW, lnFinalB, eps);
            float[] projected = RowNorm.project(pooled, projection, w, config.embedDim());
            for (int i = 0; i < projected.length; i++) {
              projected[i] += projectionBias[i];
            }
            features[r] = projected;
          }
          return features;
        });
  }
}
