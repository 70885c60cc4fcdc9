package dev.glimpse.core.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.util.List;

/**
 * A loaded CLIP model: both towers on DJL's PyTorch engine, the tokenizer and the logit scale.
 *
 * <p>Thread-safe: the weights are read-only, and every call works in its own {@link NDManager},
 * created for that call and closed before it returns. Many request threads may encode at once.
 */
public final class ClipModel implements AutoCloseable {
  private static final String ENGINE = "PyTorch";

  private final ClipCheckpoint checkpoint;
  private final NDManager weights;
  private final VisionTower vision;
  private final TextTower text;
  private final ClipTokenizer tokenizer;
  private final float logitScale;
  private final Precision precision;

  private ClipModel(
      ClipCheckpoint checkpoint,
      NDManager weights,
      VisionTower vision,
      TextTower text,
      ClipTokenizer tokenizer,
      float logitScale,
      Precision precision) {
    this.checkpoint = checkpoint;
    this.precision = precision;
    this.weights = weights;
    this.vision = vision;
    this.text = text;
    this.tokenizer = tokenizer;
    this.logitScale = logitScale;
  }

  /** Loads both towers and the tokenizer of a checkpoint, in exact float32. */
  public static ClipModel load(ClipCheckpoint checkpoint) throws CheckpointException {
    return load(checkpoint, ClipOptions.DEFAULTS);
  }

  /**
   * Loads both towers and the tokenizer of a checkpoint.
   *
   * @throws CheckpointException also when {@link Precision#BF16} is asked for and cannot run here
   *     (no Vector API, or a geometry the fast path does not cover); {@link Precision#AUTO} falls
   *     back to float32 instead
   */
  public static ClipModel load(ClipCheckpoint checkpoint, ClipOptions options)
      throws CheckpointException {
    ClipModel fp32 = loadFp32(checkpoint);
    if (options.precision() == Precision.FP32) {
      return fp32;
    }
    try {
      return FastModels.upgrade(fp32, options.precision());
    } catch (CheckpointException | RuntimeException e) {
      fp32.close();
      throw e;
    }
  }

  /** This model sharing its weights, with the text tower replaced. Closing either closes both. */
  ClipModel withText(TextTower fasterText, Precision p) {
    return new ClipModel(checkpoint, weights, vision, fasterText, tokenizer, logitScale, p);
  }

  TextTower textTower() {
    return text;
  }

  private static ClipModel loadFp32(ClipCheckpoint checkpoint) throws CheckpointException {
    NDManager manager = newWeightsManager();
    ClipTokenizer tokenizer = null;
    try (WeightStore store = checkpoint.openWeights()) {
      TowerLoader loader =
          new TowerLoader(store, checkpoint.layout(), checkpoint.config(), manager);
      VisionTower vision = loader.vision();
      TextTower text = loader.text();
      float scale = loader.logitScale();
      int context = checkpoint.config().text().contextLength();
      tokenizer =
          checkpoint.tokenizer().isPresent()
              ? ClipTokenizer.fromFile(checkpoint.tokenizer().get(), context)
              : ClipTokenizer.bundled(context);
      return new ClipModel(checkpoint, manager, vision, text, tokenizer, scale, Precision.FP32);
    } catch (CheckpointException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      manager.close();
      throw e;
    } catch (IOException e) {
      manager.close();
      throw new CheckpointException("cannot close weights of " + checkpoint.dir(), e);
    }
  }

  private static NDManager newWeightsManager() throws CheckpointException {
    try {
      return NDManager.newBaseManager(Engine.getEngine(ENGINE).defaultDevice(), ENGINE);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new CheckpointException("cannot start the PyTorch engine (DJL): " + e.getMessage(), e);
    }
  }

  /** The checkpoint this model was loaded from. */
  public ClipCheckpoint checkpoint() {
    return checkpoint;
  }

  /** The precision the encoders run in: {@link Precision#FP32} or {@link Precision#BF16}. */
  public Precision precision() {
    return precision;
  }

  /** The model geometry. */
  public ClipConfig config() {
    return checkpoint.config();
  }

  /** The image preprocessing this model expects. */
  public PreprocessConfig preprocess() {
    return checkpoint.preprocess();
  }

  /** The tokenizer. */
  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  /** {@code exp(logit_scale)}: the temperature CLIP multiplies cosine similarities by. */
  public float logitScale() {
    return logitScale;
  }

  /** Embedding dimension. */
  public int dimension() {
    return checkpoint.config().embedDim();
  }

  /** L2-normalised embeddings of texts, one row per text. */
  public float[][] encodeTexts(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts to encode");
    }
    return Vectors.normalizeRows(textFeatures(tokenizer.encode(texts)));
  }

  /** L2-normalised embeddings of preprocessed images ({@code count} CHW images, back to back). */
  public float[][] encodeImages(float[] pixels, int count) {
    return Vectors.normalizeRows(imageFeatures(pixels, count));
  }

  /**
   * Unnormalised text features ({@code encode_text}) for token id rows, running only up to the last
   * end-of-text token of the batch.
   */
  public float[][] textFeatures(long[][] tokenIds) {
    return textFeatures(tokenIds, false);
  }

  /**
   * Unnormalised text features; with {@code fullContext} every position of the rows is computed
   * (slower, same result: the tower is causal).
   */
  public float[][] textFeatures(long[][] tokenIds, boolean fullContext) {
    if (tokenIds.length == 0) {
      throw new IllegalArgumentException("no token rows to encode");
    }
    try (NDManager m = weights.newSubManager()) {
      return Vectors.rows(text.encode(m, tokenIds, fullContext), tokenIds.length);
    }
  }

  /** Unnormalised image features ({@code encode_image}) of preprocessed images. */
  public float[][] imageFeatures(float[] pixels, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("no images to encode");
    }
    try (NDManager m = weights.newSubManager()) {
      return Vectors.rows(vision.encode(m, pixels, count), count);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
    weights.close();
  }
}
