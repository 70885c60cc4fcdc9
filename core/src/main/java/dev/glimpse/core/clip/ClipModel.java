package dev.glimpse.core.clip;

import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded CLIP model: both towers on one engine (libtorch through DJL, or ONNX Runtime), the
 * tokenizer and the logit scale.
 *
 * <p>Thread-safe: the weights are read-only and every call allocates its own buffers. Many request
 * threads may encode at once.
 */
public final class ClipModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);

  private final ClipCheckpoint checkpoint;
  private final Towers towers;
  private final ClipTokenizer tokenizer;
  private final float logitScale;
  private final Precision precision;

  private ClipModel(
      ClipCheckpoint checkpoint,
      Towers towers,
      ClipTokenizer tokenizer,
      float logitScale,
      Precision precision) {
    this.checkpoint = checkpoint;
    this.towers = towers;
    this.tokenizer = tokenizer;
    this.logitScale = logitScale;
    this.precision = precision;
  }

  /** Loads both towers and the tokenizer of a checkpoint, in exact float32 on libtorch. */
  public static ClipModel load(ClipCheckpoint checkpoint) throws CheckpointException {
    return load(checkpoint, ClipOptions.DEFAULTS);
  }

  /**
   * Loads both towers and the tokenizer of a checkpoint.
   *
   * @throws CheckpointException also when {@link Precision#BF16} is asked for and cannot run here
   *     (no Vector API, or a geometry the fast path does not cover), or when {@link Backend#ONNX}
   *     is asked for and ONNX Runtime cannot run here; {@link Precision#AUTO} falls back to float32
   *     and {@link Backend#AUTO} to libtorch instead
   */
  public static ClipModel load(ClipCheckpoint checkpoint, ClipOptions options)
      throws CheckpointException {
    Backend backend = EngineChoice.resolve(options, checkpoint.config());
    ClipModel model;
    try {
      model = loadFp32(checkpoint, backend, options);
    } catch (OnnxUnavailableException e) {
      if (options.backend() != Backend.AUTO) {
        throw e;
      }
      LOG.info("engine auto: torch, because {}", e.getMessage());
      backend = Backend.TORCH;
      model = loadFp32(checkpoint, backend, options);
    }
    if (backend == Backend.ONNX || options.precision() == Precision.FP32) {
      return model;
    }
    if (options.precision() == Precision.INT8) {
      model.close();
      throw new CheckpointException("int8 runs on the onnx engine only, which cannot run here");
    }
    try {
      return FastModels.upgrade(model, options.precision());
    } catch (CheckpointException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** This model sharing its weights, with the text tower replaced. Closing either closes both. */
  ClipModel withText(TextTower fasterText, Precision p) {
    return new ClipModel(checkpoint, torch().withText(fasterText), tokenizer, logitScale, p);
  }

  TextTower textTower() {
    return torch().textTower();
  }

  private TorchTowers torch() {
    if (towers instanceof TorchTowers t) {
      return t;
    }
    throw new IllegalStateException("the bf16 text path runs on the torch engine only");
  }

  private static ClipModel loadFp32(ClipCheckpoint checkpoint, Backend backend, ClipOptions options)
      throws CheckpointException {
    ClipTokenizer tokenizer = null;
    try (WeightStore store = checkpoint.openWeights()) {
      WeightReader reader = new WeightReader(store, checkpoint.layout(), checkpoint.config());
      float scale = reader.logitScale();
      int context = checkpoint.config().text().contextLength();
      tokenizer =
          checkpoint.tokenizer().isPresent()
              ? ClipTokenizer.fromFile(checkpoint.tokenizer().get(), context)
              : ClipTokenizer.bundled(context);
      boolean int8 = backend == Backend.ONNX && options.precision() == Precision.INT8;
      Towers towers =
          backend == Backend.ONNX
              ? OrtTowers.load(reader, options.threads(), options.precision())
              : TorchTowers.load(reader);
      return new ClipModel(
          checkpoint, towers, tokenizer, scale, int8 ? Precision.INT8 : Precision.FP32);
    } catch (CheckpointException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    } catch (IOException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw new CheckpointException("cannot close weights of " + checkpoint.dir(), e);
    }
  }

  /** The checkpoint this model was loaded from. */
  public ClipCheckpoint checkpoint() {
    return checkpoint;
  }

  /** The engine the towers run on: {@link Backend#TORCH} or {@link Backend#ONNX}. */
  public Backend backend() {
    return towers.backend();
  }

  /** Engine and precision in words, e.g. {@code onnxruntime fp32}, for manifests and logs. */
  public String engineDescription() {
    String engine = backend() == Backend.ONNX ? "onnxruntime" : "djl-pytorch";
    return engine + " " + precision.name().toLowerCase(java.util.Locale.ROOT);
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
    return towers.textFeatures(tokenIds, fullContext);
  }

  /** Unnormalised image features ({@code encode_image}) of preprocessed images. */
  public float[][] imageFeatures(float[] pixels, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("no images to encode");
    }
    int size = config().vision().imageSize();
    long expected = (long) count * 3 * size * size;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "expected "
              + expected
              + " pixel values for "
              + count
              + " images of 3x"
              + size
              + "x"
              + size
              + ", got "
              + pixels.length);
    }
    return towers.imageFeatures(pixels, count);
  }

  @Override
  public void close() {
    tokenizer.close();
    towers.close();
  }
}
