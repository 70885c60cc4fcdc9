package dev.glimpse.core.clip;

import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded CLIP model: both towers on one engine (oneDNN in bf16, ONNX Runtime, or libtorch through
 * DJL), the tokenizer and the logit scale.
 *
 * <p>Thread-safe: the weights are read-only and every call allocates its own buffers. Many request
 * threads may encode at once.
 */
public final class ClipModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);

  private final ClipCheckpoint checkpoint;
  private final Towers towers;
  private final TextTokenizer tokenizer;
  private final float logitScale;
  private final float logitBias;
  private final Precision precision;

  private ClipModel(
      ClipCheckpoint checkpoint,
      Towers towers,
      TextTokenizer tokenizer,
      float logitScale,
      float logitBias,
      Precision precision) {
    this.checkpoint = checkpoint;
    this.towers = towers;
    this.tokenizer = tokenizer;
    this.logitScale = logitScale;
    this.logitBias = logitBias;
    this.precision = precision;
  }

  /** Loads both towers and the tokenizer of a checkpoint, in exact float32 on libtorch. */
  public static ClipModel load(ClipCheckpoint checkpoint) throws CheckpointException {
    return load(checkpoint, ClipOptions.DEFAULTS);
  }

  /**
   * Loads both towers and the tokenizer of a checkpoint.
   *
   * @throws CheckpointException also when the engine asked for cannot run here ({@link
   *     DnnlUnavailableException}, {@link OnnxUnavailableException}) or does not offer the
   *     precision; {@link Precision#AUTO} falls back from bf16 to float32, and {@link Backend#AUTO}
   *     from ONNX Runtime to libtorch, instead
   * @throws IllegalArgumentException when the options ask for a precision their engine does not
   *     offer (bf16 off oneDNN, int8 off ONNX Runtime) or this model family in int8
   */
  public static ClipModel load(ClipCheckpoint checkpoint, ClipOptions options)
      throws CheckpointException {
    return load(checkpoint, EngineChoice.resolve(options, checkpoint.config()), options);
  }

  /**
   * Loads on {@code choice}; where that engine cannot take the model and both engine and precision
   * were left to Glimpse (or only the engine, for fp32), falls back: from oneDNN to ONNX Runtime or
   * libtorch in fp32, from ONNX Runtime to libtorch.
   */
  private static ClipModel load(
      ClipCheckpoint checkpoint, EngineChoice.Choice choice, ClipOptions options)
      throws CheckpointException {
    try {
      return loadOn(checkpoint, choice, options.threads());
    } catch (DnnlUnavailableException | OnnxUnavailableException e) {
      boolean fp32Allowed =
          options.precision() == Precision.AUTO || options.precision() == Precision.FP32;
      if (options.backend() != Backend.AUTO || !fp32Allowed || choice.backend() == Backend.TORCH) {
        throw e;
      }
      Backend next =
          choice.backend() == Backend.ONEDNN
              ? EngineChoice.fp32Engine(checkpoint.config(), false)
              : Backend.TORCH;
      LOG.info("engine auto: {} fp32, because {}", next.label(), e.getMessage());
      return load(checkpoint, new EngineChoice.Choice(next, Precision.FP32), options);
    }
  }

  private static ClipModel loadOn(
      ClipCheckpoint checkpoint, EngineChoice.Choice choice, int threads)
      throws CheckpointException {
    TextTokenizer tokenizer = null;
    try (WeightStore store = checkpoint.openWeights()) {
      WeightReader reader = new WeightReader(store, checkpoint.layout(), checkpoint.config());
      float scale = reader.logitScale();
      float bias = reader.logitBias();
      tokenizer = TextTokenizers.open(checkpoint);
      Towers towers =
          switch (choice.backend()) {
            case ONNX -> OrtTowers.load(reader, threads, choice.precision());
            case ONEDNN -> DnnlTowers.load(reader, choice.precision());
            case TORCH -> TorchTowers.load(reader);
            case AUTO -> throw new IllegalStateException("engine not resolved");
          };
      return new ClipModel(checkpoint, towers, tokenizer, scale, bias, choice.precision());
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

  /** The engine the towers run on: never {@link Backend#AUTO}. */
  public Backend backend() {
    return towers.backend();
  }

  /** Engine and precision in words, e.g. {@code onnxruntime fp32}, for manifests and logs. */
  public String engineDescription() {
    String engine =
        switch (backend()) {
          case ONNX -> "onnxruntime";
          case ONEDNN -> "onednn";
          case TORCH, AUTO -> "djl-pytorch";
        };
    return engine + " " + precision.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The precision the encoders run in: never {@link Precision#AUTO}. */
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

  /** The tokenizer of the model's family (CLIP BPE, SigLIP SentencePiece, SigLIP2 Gemma). */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** {@code exp(logit_scale)}: the temperature CLIP multiplies cosine similarities by. */
  public float logitScale() {
    return logitScale;
  }

  /**
   * SigLIP's {@code logit_bias}, added to the scaled cosine: {@code sigmoid(logitScale() * cos +
   * logitBias())} is the model's probability that an image and a text match. 0 for CLIP.
   */
  public float logitBias() {
    return logitBias;
  }

  /** The model family, which decides what a score means ({@link ModelFamily#sigmoid()}). */
  public ModelFamily family() {
    return checkpoint.config().family();
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
