package dev.glimpse.core.clip;

import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.DnnlException;
import dev.glimpse.core.dnnl.DnnlScope;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * Both towers on oneDNN, in bfloat16 ({@link Precision#BF16}, the fast mode) or float32: {@link
 * DnnlVisionTower} and {@link DnnlTextTower}, each with its own plans and lock, so an image batch
 * and a text query may run at once.
 */
final class DnnlTowers implements Towers {
  private final Dnnl dnnl;
  private final DnnlScope weights;
  private final DnnlVisionTower vision;
  private final DnnlTextTower text;

  private DnnlTowers(Dnnl dnnl, DnnlScope weights, DnnlVisionTower vision, DnnlTextTower text) {
    this.dnnl = dnnl;
    this.weights = weights;
    this.vision = vision;
    this.text = text;
  }

  /**
   * Packs both towers' weights.
   *
   * @throws DnnlUnavailableException if oneDNN does not load here, rejects the model, or its
   *     weights do not fit in memory
   */
  static DnnlTowers load(WeightReader reader, Precision precision) throws CheckpointException {
    Dnnl.Type compute =
        switch (precision) {
          case BF16 -> Dnnl.Type.BF16;
          case FP32 -> Dnnl.Type.F32;
          default ->
              throw new IllegalArgumentException("onednn runs bf16 or fp32, not " + precision);
        };
    Dnnl dnnl;
    try {
      dnnl = Dnnl.cpu();
    } catch (DnnlException e) {
      throw new DnnlUnavailableException(e.getMessage(), e);
    }
    DnnlScope weights = new DnnlScope();
    try {
      dnnl_stream loadStream = dnnl.stream(weights);
      DnnlVisionTower vision = DnnlVisionTower.load(dnnl, weights, loadStream, reader, compute);
      DnnlTextTower text = DnnlTextTower.load(dnnl, weights, loadStream, reader, compute);
      return new DnnlTowers(dnnl, weights, vision, text);
    } catch (DnnlException e) {
      weights.close();
      dnnl.close();
      throw new DnnlUnavailableException("oneDNN rejected the model: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      weights.close();
      dnnl.close();
      throw new DnnlUnavailableException(
          "not enough memory for the packed weights (JavaCPP counts native memory against the Java"
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
  public float[][] textFeatures(long[][] tokenIds, boolean fullContext) {
    return text.encode(tokenIds, fullContext);
  }

  @Override
  public float[][] imageFeatures(float[] pixels, int count) {
    return vision.encode(pixels, count);
  }

  @Override
  public Backend backend() {
    return Backend.ONEDNN;
  }

  @Override
  public void close() {
    weights.close(); // the plans first (they take each tower's lock), then the weights
    dnnl.close();
  }
}
