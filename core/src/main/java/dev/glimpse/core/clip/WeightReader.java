package dev.glimpse.core.clip;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Part;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a checkpoint's tensors as float32 arrays in canonical form, checking every shape against
 * the config so a mismatched checkpoint fails with a message instead of producing garbage vectors.
 *
 * <p>Canonical form: linear weights {@code [out, in]}, q, k and v stacked as one {@code [3W, W]}
 * weight, projections {@code [width, embed]}, the patch embedding as the convolution's {@code [W,
 * 3, P, P]}. Every engine builds its towers from these arrays.
 */
final class WeightReader {
  private final WeightStore store;
  private final CheckpointLayout layout;
  private final ClipConfig config;

  WeightReader(WeightStore store, CheckpointLayout layout, ClipConfig config) {
    this.store = store;
    this.layout = layout;
    this.config = config;
  }

  /** The float32 arrays of one residual block. */
  record Block(
      float[] ln1Weight,
      float[] ln1Bias,
      float[] qkvWeight,
      float[] qkvBias,
      float[] outWeight,
      float[] outBias,
      float[] ln2Weight,
      float[] ln2Bias,
      float[] fc1Weight,
      float[] fc1Bias,
      float[] fc2Weight,
      float[] fc2Bias) {}

  ClipConfig config() {
    return config;
  }

  /** {@code [W, 3, P, P]}: the patch embedding convolution. */
  float[] patchConv() throws CheckpointException {
    VisionConfig v = config.vision();
    int p = v.patchSize();
    return read(
        Global.PATCH_EMBEDDING,
        "patch embedding (width x 3 x patch x patch)",
        v.transformer().width(),
        3,
        p,
        p);
  }

  float[] classEmbedding() throws CheckpointException {
    return read(Global.CLASS_EMBEDDING, "class embedding", visionWidth());
  }

  /** {@code [tokens, W]} (timm stores {@code [1, tokens, W]}: the same values). */
  float[] visionPositions() throws CheckpointException {
    return readSqueezed(
        Global.VISION_POSITIONS,
        "vision positions (tokens x width)",
        config.vision().tokens(),
        visionWidth());
  }

  /** {@code [W]}: the patch convolution's bias (MAP-pooled towers). */
  float[] patchBias() throws CheckpointException {
    return read(Global.PATCH_BIAS, "patch embedding bias", visionWidth());
  }

  /** {@code [embed]}: the text projection's bias ({@link TextHead#LAST} towers). */
  float[] textProjectionBias() throws CheckpointException {
    return read(Global.TEXT_PROJECTION_B, "text projection bias", config.embedDim());
  }

  /** The weights of the MAP head, in canonical form: q, k, v stacked as one {@code [3W, W]}. */
  record MapHead(
      float[] probe,
      float[] qkvWeight,
      float[] qkvBias,
      float[] outWeight,
      float[] outBias,
      float[] lnWeight,
      float[] lnBias,
      float[] fc1Weight,
      float[] fc1Bias,
      float[] fc2Weight,
      float[] fc2Bias) {}

  /** The MAP head of a {@link VisionHead#MAP} image tower. */
  MapHead mapHead() throws CheckpointException {
    int w = visionWidth();
    int m = config.vision().transformer().mlpWidth();
    float[] qkvW;
    float[] qkvB;
    if (layout == CheckpointLayout.SIGLIP_OPEN_CLIP) {
      // timm's AttentionPoolLatent: q alone, then k and v stacked.
      qkvW =
          concat(
              read(Global.MAP_Q_W, "MAP head q (width x width)", w, w),
              read(Global.MAP_KV_W, "MAP head kv (2 width x width)", 2L * w, w));
      qkvB =
          concat(
              read(Global.MAP_Q_B, "MAP head q bias", w),
              read(Global.MAP_KV_B, "MAP head kv bias", 2L * w));
    } else {
      qkvW = read(Global.MAP_QKV_W, "MAP head qkv (3 width x width)", 3L * w, w);
      qkvB = read(Global.MAP_QKV_B, "MAP head qkv bias", 3L * w);
    }
    return new MapHead(
        readSqueezed(Global.MAP_PROBE, "MAP head probe", w),
        qkvW,
        qkvB,
        read(Global.MAP_OUT_W, "MAP head out projection", w, w),
        read(Global.MAP_OUT_B, "MAP head out projection bias", w),
        read(Global.MAP_LN_W, "MAP head layer norm", w),
        read(Global.MAP_LN_B, "MAP head layer norm", w),
        read(Global.MAP_FC1_W, "MAP head fc1 (mlp x width)", m, w),
        read(Global.MAP_FC1_B, "MAP head fc1 bias", m),
        read(Global.MAP_FC2_W, "MAP head fc2 (width x mlp)", w, m),
        read(Global.MAP_FC2_B, "MAP head fc2 bias", w));
  }

  /** SigLIP's logit bias, added to the scaled cosine before the sigmoid; 0 for CLIP. */
  float logitBias() throws CheckpointException {
    if (!config.family().sigmoid()) {
      return 0f;
    }
    return readSqueezed(Global.LOGIT_BIAS, "logit bias")[0];
  }

  float[] global(Global g, String what, int size) throws CheckpointException {
    return read(g, what, size);
  }

  /** {@code [vocab, W]}. */
  float[] tokenEmbedding() throws CheckpointException {
    TextConfig t = config.text();
    return read(
        Global.TOKEN_EMBEDDING,
        "token embedding (vocab x width)",
        t.vocabSize(),
        t.transformer().width());
  }

  /** {@code [context, W]}. */
  float[] textPositions() throws CheckpointException {
    TextConfig t = config.text();
    return read(
        Global.TEXT_POSITIONS,
        "text positions (context x width)",
        t.contextLength(),
        t.transformer().width());
  }

  /** {@code [width, embed]}, whichever way round the checkpoint stores it. */
  float[] projection(Global g, int width) throws CheckpointException {
    int embed = config.embedDim();
    if (layout.projectionIsLinearWeight()) {
      float[] lin = read(g, "projection (embed x width)", embed, width);
      return transpose(lin, embed, width);
    }
    return read(g, "projection (width x embed)", width, embed);
  }

  float logitScale() throws CheckpointException {
    float[] v = readSqueezed(Global.LOGIT_SCALE, "logit scale");
    return (float) Math.exp(v[0]);
  }

  List<Block> blocks(Tower tower, TransformerConfig c) throws CheckpointException {
    List<Block> out = new ArrayList<>(c.layers());
    for (int i = 0; i < c.layers(); i++) {
      out.add(block(tower, c, i));
    }
    return out;
  }

  /** The arrays of one block: callers that convert as they go hold one block at a time. */
  Block block(Tower tower, TransformerConfig c, int i) throws CheckpointException {
    int w = c.width();
    int m = c.mlpWidth();
    float[] qkvW;
    float[] qkvB;
    if (layout.fusedQkv()) {
      qkvW = block(tower, i, Part.QKV_W, 3L * w, w);
      qkvB = block(tower, i, Part.QKV_B, 3L * w);
    } else {
      qkvW =
          concat(
              block(tower, i, Part.Q_W, w, w),
              block(tower, i, Part.K_W, w, w),
              block(tower, i, Part.V_W, w, w));
      qkvB =
          concat(
              block(tower, i, Part.Q_B, w),
              block(tower, i, Part.K_B, w),
              block(tower, i, Part.V_B, w));
    }
    return new Block(
        block(tower, i, Part.LN1_W, w),
        block(tower, i, Part.LN1_B, w),
        qkvW,
        qkvB,
        block(tower, i, Part.OUT_W, w, w),
        block(tower, i, Part.OUT_B, w),
        block(tower, i, Part.LN2_W, w),
        block(tower, i, Part.LN2_B, w),
        block(tower, i, Part.FC1_W, m, w),
        block(tower, i, Part.FC1_B, m),
        block(tower, i, Part.FC2_W, w, m),
        block(tower, i, Part.FC2_B, w));
  }

  /** The transpose of a row-major {@code [rows, cols]} matrix. */
  static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
  }

  private int visionWidth() {
    return config.vision().transformer().width();
  }

  private float[] block(Tower tower, int layer, Part part, long... shape)
      throws CheckpointException {
    String why =
        tower.name().toLowerCase(Locale.ROOT)
            + " layer "
            + layer
            + " "
            + part.name().toLowerCase(Locale.ROOT)
            + ", from "
            + config.summary();
    return store.read(layout.block(tower, layer, part), shape, why);
  }

  private float[] read(Global g, String what, long... shape) throws CheckpointException {
    return store.read(layout.global(g), shape, what + ", from " + config.summary());
  }

  /**
   * Reads a tensor of {@code shape} that the checkpoint may store with extra leading 1s (a 0-d
   * scalar as {@code [1]}, timm's {@code [1, tokens, W]} positions): the values are the same.
   */
  private float[] readSqueezed(Global g, String what, long... shape) throws CheckpointException {
    String name = layout.global(g);
    long[] actual = store.shapeOf(name);
    if (actual != null && actual.length > shape.length) {
      long[] padded = new long[actual.length];
      java.util.Arrays.fill(padded, 1L);
      System.arraycopy(shape, 0, padded, actual.length - shape.length, shape.length);
      if (java.util.Arrays.equals(actual, padded)) {
        shape = padded;
      }
    }
    return store.read(name, shape, what + ", from " + config.summary());
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
