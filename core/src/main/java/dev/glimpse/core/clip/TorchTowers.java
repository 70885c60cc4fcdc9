package dev.glimpse.core.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Both towers on DJL's PyTorch engine. Every call works in its own {@link NDManager}, created for
 * that call and closed before it returns.
 */
final class TorchTowers implements Towers {
  private static final String ENGINE = "PyTorch";

  private final NDManager weights;
  private final VisionTower vision;
  private final TextTower text;

  private TorchTowers(NDManager weights, VisionTower vision, TextTower text) {
    this.weights = weights;
    this.vision = vision;
    this.text = text;
  }

  static TorchTowers load(WeightReader reader) throws CheckpointException {
    NDManager manager = newWeightsManager();
    try {
      TowerLoader loader = new TowerLoader(reader, manager);
      return new TorchTowers(manager, loader.vision(), loader.text());
    } catch (CheckpointException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static NDManager newWeightsManager() throws CheckpointException {
    try {
      return NDManager.newBaseManager(Engine.getEngine(ENGINE).defaultDevice(), ENGINE);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new CheckpointException("cannot start the PyTorch engine (DJL): " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] textFeatures(long[][] tokenIds, boolean fullContext) {
    try (NDManager m = weights.newSubManager()) {
      return Vectors.rows(text.encode(m, tokenIds, fullContext), tokenIds.length);
    }
  }

  @Override
  public float[][] imageFeatures(float[] pixels, int count) {
    try (NDManager m = weights.newSubManager()) {
      return Vectors.rows(vision.encode(m, pixels, count), count);
    }
  }

  @Override
  public Backend backend() {
    return Backend.TORCH;
  }

  @Override
  public void close() {
    weights.close();
  }
}
