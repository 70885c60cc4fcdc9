package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Part;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a checkpoint's tensors into canonical tower weights, checking every shape against the
 * config so a mismatched checkpoint fails with a message instead of producing garbage vectors.
 */
final class TowerLoader {
  private final WeightStore store;
  private final CheckpointLayout layout;
  private final ClipConfig config;
  private final NDManager manager;

  TowerLoader(WeightStore store, CheckpointLayout layout, ClipConfig config, NDManager manager) {
    this.store = store;
    this.layout = layout;
    this.config = config;
    this.manager = manager;
  }

  VisionTower vision() throws CheckpointException {
    VisionConfig v = config.vision();
    int w = v.transformer().width();
    int p = v.patchSize();
    int e = config.embedDim();
    float[] conv =
        read(Global.PATCH_EMBEDDING, "patch embedding (width x 3 x patch x patch)", w, 3, p, p);
    // [W, 3*P*P] -> [3*P*P, W] so that patches [.., 3*P*P] @ weight gives [.., W].
    NDArray patch = array(transpose(conv, w, 3 * p * p), 3L * p * p, w);
    return new VisionTower(
        v,
        patch,
        array(read(Global.CLASS_EMBEDDING, "class embedding", w), w),
        array(
            read(Global.VISION_POSITIONS, "vision positions (tokens x width)", v.tokens(), w),
            v.tokens(),
            w),
        array(read(Global.LN_PRE_W, "ln_pre", w), w),
        array(read(Global.LN_PRE_B, "ln_pre", w), w),
        array(read(Global.LN_POST_W, "ln_post", w), w),
        array(read(Global.LN_POST_B, "ln_post", w), w),
        projection(Global.VISION_PROJECTION, w, e),
        new Transformer(v.transformer(), blocks(Tower.VISION, v.transformer())));
  }

  TextTower text() throws CheckpointException {
    TextConfig t = config.text();
    int w = t.transformer().width();
    int e = config.embedDim();
    return new TextTower(
        t,
        array(
            read(Global.TOKEN_EMBEDDING, "token embedding (vocab x width)", t.vocabSize(), w),
            t.vocabSize(),
            w),
        array(
            read(Global.TEXT_POSITIONS, "text positions (context x width)", t.contextLength(), w),
            t.contextLength(),
            w),
        array(read(Global.LN_FINAL_W, "ln_final", w), w),
        array(read(Global.LN_FINAL_B, "ln_final", w), w),
        projection(Global.TEXT_PROJECTION, w, e),
        new Transformer(t.transformer(), blocks(Tower.TEXT, t.transformer())));
  }

  float logitScale() throws CheckpointException {
    float[] v = store.read(layout.global(Global.LOGIT_SCALE), new long[0], "logit scale");
    return (float) Math.exp(v[0]);
  }

  private NDArray projection(Global g, int width, int embed) throws CheckpointException {
    if (layout.projectionIsLinearWeight()) {
      float[] lin = read(g, "projection (embed x width)", embed, width);
      return array(transpose(lin, embed, width), width, embed);
    }
    return array(read(g, "projection (width x embed)", width, embed), width, embed);
  }

  private List<BlockWeights> blocks(Tower tower, TransformerConfig c) throws CheckpointException {
    int w = c.width();
    int m = c.mlpWidth();
    List<BlockWeights> out = new ArrayList<>(c.layers());
    for (int i = 0; i < c.layers(); i++) {
      NDArray qkvW;
      NDArray qkvB;
      if (layout.fusedQkv()) {
        qkvW = array(block(tower, i, Part.QKV_W, 3 * w, w), 3L * w, w);
        qkvB = array(block(tower, i, Part.QKV_B, 3 * w), 3L * w);
      } else {
        qkvW =
            array(
                concat(
                    block(tower, i, Part.Q_W, w, w),
                    block(tower, i, Part.K_W, w, w),
                    block(tower, i, Part.V_W, w, w)),
                3L * w,
                w);
        qkvB =
            array(
                concat(
                    block(tower, i, Part.Q_B, w),
                    block(tower, i, Part.K_B, w),
                    block(tower, i, Part.V_B, w)),
                3L * w);
      }
      out.add(
          new BlockWeights(
              array(block(tower, i, Part.LN1_W, w), w),
              array(block(tower, i, Part.LN1_B, w), w),
              qkvW,
              qkvB,
              array(block(tower, i, Part.OUT_W, w, w), w, w),
              array(block(tower, i, Part.OUT_B, w), w),
              array(block(tower, i, Part.LN2_W, w), w),
              array(block(tower, i, Part.LN2_B, w), w),
              array(block(tower, i, Part.FC1_W, m, w), m, w),
              array(block(tower, i, Part.FC1_B, m), m),
              array(block(tower, i, Part.FC2_W, w, m), w, m),
              array(block(tower, i, Part.FC2_B, w), w)));
    }
    return out;
  }

  private float[] block(Tower tower, int layer, Part part, long... shape)
      throws CheckpointException {
    String why =
        tower.name().toLowerCase(java.util.Locale.ROOT)
            + " layer "
            + layer
            + " "
            + part.name().toLowerCase(java.util.Locale.ROOT)
            + ", from "
            + config.summary();
    return store.read(layout.block(tower, layer, part), shape, why);
  }

  private float[] read(Global g, String what, long... shape) throws CheckpointException {
    return store.read(layout.global(g), shape, what + ", from " + config.summary());
  }

  private NDArray array(float[] data, long... shape) {
    return manager.create(data, new Shape(shape));
  }

  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
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
