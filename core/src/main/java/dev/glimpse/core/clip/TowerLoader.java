package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import java.util.ArrayList;
import java.util.List;

/** Builds the libtorch towers (DJL NDArrays) from a checkpoint's canonical weights. */
final class TowerLoader {
  private final WeightReader reader;
  private final ClipConfig config;
  private final NDManager manager;

  TowerLoader(WeightReader reader, NDManager manager) {
    this.reader = reader;
    this.config = reader.config();
    this.manager = manager;
  }

  VisionTower vision() throws CheckpointException {
    VisionConfig v = config.vision();
    int w = v.transformer().width();
    int p = v.patchSize();
    // [W, 3*P*P] -> [3*P*P, W] so that patches [.., 3*P*P] @ weight gives [.., W].
    NDArray patch = array(WeightReader.transpose(reader.patchConv(), w, 3 * p * p), 3L * p * p, w);
    if (v.head() == VisionHead.MAP) {
      Transformer stack = new Transformer(v.transformer(), blocks(Tower.VISION, v.transformer()));
      WeightReader.MapHead h = reader.mapHead();
      int m = v.transformer().mlpWidth();
      MapHead head =
          new MapHead(
              array(h.probe(), w),
              array(h.qkvWeight(), 3L * w, w),
              array(h.qkvBias(), 3L * w),
              array(h.outWeight(), w, w),
              array(h.outBias(), w),
              array(h.lnWeight(), w),
              array(h.lnBias(), w),
              array(h.fc1Weight(), m, w),
              array(h.fc1Bias(), m),
              array(h.fc2Weight(), w, m),
              array(h.fc2Bias(), w),
              stack);
      return new VisionTower(
          v,
          patch,
          array(reader.patchBias(), w),
          array(reader.visionPositions(), v.tokens(), w),
          array(reader.global(Global.LN_POST_W, "post layer norm", w), w),
          array(reader.global(Global.LN_POST_B, "post layer norm", w), w),
          stack,
          head);
    }
    return new VisionTower(
        v,
        patch,
        array(reader.classEmbedding(), w),
        array(reader.visionPositions(), v.tokens(), w),
        array(reader.global(Global.LN_PRE_W, "ln_pre", w), w),
        array(reader.global(Global.LN_PRE_B, "ln_pre", w), w),
        array(reader.global(Global.LN_POST_W, "ln_post", w), w),
        array(reader.global(Global.LN_POST_B, "ln_post", w), w),
        array(reader.projection(Global.VISION_PROJECTION, w), w, config.embedDim()),
        new Transformer(v.transformer(), blocks(Tower.VISION, v.transformer())));
  }

  TextTower text() throws CheckpointException {
    TextConfig t = config.text();
    int w = t.transformer().width();
    return new TextTower(
        t,
        array(reader.tokenEmbedding(), t.vocabSize(), w),
        array(reader.textPositions(), t.contextLength(), w),
        array(reader.global(Global.LN_FINAL_W, "ln_final", w), w),
        array(reader.global(Global.LN_FINAL_B, "ln_final", w), w),
        array(reader.projection(Global.TEXT_PROJECTION, w), w, config.embedDim()),
        t.head() == TextHead.LAST ? array(reader.textProjectionBias(), config.embedDim()) : null,
        new Transformer(t.transformer(), blocks(Tower.TEXT, t.transformer())));
  }

  private List<BlockWeights> blocks(Tower tower, TransformerConfig c) throws CheckpointException {
    int w = c.width();
    int m = c.mlpWidth();
    List<BlockWeights> out = new ArrayList<>(c.layers());
    for (int i = 0; i < c.layers(); i++) {
      WeightReader.Block b = reader.block(tower, c, i);
      out.add(
          new BlockWeights(
              array(b.ln1Weight(), w),
              array(b.ln1Bias(), w),
              array(b.qkvWeight(), 3L * w, w),
              array(b.qkvBias(), 3L * w),
              array(b.outWeight(), w, w),
              array(b.outBias(), w),
              array(b.ln2Weight(), w),
              array(b.ln2Bias(), w),
              array(b.fc1Weight(), m, w),
              array(b.fc1Bias(), m),
              array(b.fc2Weight(), w, m),
              array(b.fc2Bias(), w)));
    }
    return out;
  }

  private NDArray array(float[] data, long... shape) {
    return manager.create(data, new Shape(shape));
  }
}
