package dev.glimpse.core.clip;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * Both towers (CLIP or SigLIP) on ONNX Runtime's CPU execution provider, from graphs built in
 * memory by {@link ClipOnnxGraphs}. {@link OrtSession#run} is thread-safe, so one pair of sessions
 * serves every thread.
 */
final class OrtTowers implements Towers {
  private final OrtEnvironment env;
  private final OrtSession vision;
  private final OrtSession text;
  private final VisionConfig visionConfig;
  private final TextConfig textConfig;
  private final int embed;

  private OrtTowers(OrtEnvironment env, OrtSession vision, OrtSession text, ClipConfig config) {
    this.env = env;
    this.vision = vision;
    this.text = text;
    this.visionConfig = config.vision();
    this.textConfig = config.text();
    this.embed = config.embedDim();
  }

  /**
   * Builds both graphs from the checkpoint's weights and opens a session on each.
   *
   * @param threads intra-op threads per session; 0 lets ONNX Runtime choose (one per core)
   * @throws CheckpointException if ONNX Runtime cannot start here or rejects a graph
   */
  static OrtTowers load(WeightReader reader, int threads, Precision precision)
      throws CheckpointException {
    OrtEnvironment env = environment();
    ClipOnnxGraphs graphs = new ClipOnnxGraphs(reader, precision == Precision.INT8);
    OrtSession vision = session(env, serialise(graphs::vision, "image"), threads, "image");
    try {
      OrtSession text = session(env, serialise(graphs::text, "text"), threads, "text");
      return new OrtTowers(env, vision, text, reader.config());
    } catch (CheckpointException | RuntimeException e) {
      closeQuietly(vision);
      throw e;
    }
  }

  /** Builds one tower's graph. */
  private interface GraphSource {
    byte[] build() throws CheckpointException;
  }

  private static byte[] serialise(GraphSource source, String tower) throws CheckpointException {
    try {
      return source.build();
    } catch (IllegalStateException e) {
      throw new OnnxUnavailableException(
          "the " + tower + " tower is too large for an in-memory ONNX model: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      // The graph holds the tower's weights as float arrays until it is serialised; all of it is
      // garbage once this frame is left, so the torch engine can still load block by block.
      throw new OnnxUnavailableException(
          "the "
              + tower
              + " tower's ONNX graph does not fit in the Java heap (max "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB; raise -Xmx)",
          e);
    }
  }

  private static OrtEnvironment environment() throws CheckpointException {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new OnnxUnavailableException(
          "cannot start ONNX Runtime on this platform: " + e.getMessage(), e);
    }
  }

  private static OrtSession session(OrtEnvironment env, byte[] model, int threads, String tower)
      throws CheckpointException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setInterOpNumThreads(1);
      options.setIntraOpNumThreads(threads);
      return env.createSession(model, options);
    } catch (OrtException e) {
      throw new OnnxUnavailableException(
          "ONNX Runtime rejected the " + tower + " tower graph: " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] textFeatures(long[][] tokenIds, boolean fullContext) {
    TokenRows rows = TokenRows.of(tokenIds, textConfig, fullContext);
    return switch (textConfig.head()) {
      case END_OF_TEXT -> causalTextFeatures(rows);
      case LAST -> lastTextFeatures(rows);
    };
  }

  /** The causal graph takes the mask and the pooled positions as inputs. */
  private float[][] causalTextFeatures(TokenRows rows) {
    int length = rows.length();
    try (OnnxTensor ids =
            OnnxTensor.createTensor(
                env, LongBuffer.wrap(rows.ids()), new long[] {rows.rows(), length});
        OnnxTensor mask =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(rows.causalMask()), new long[] {length, length});
        OnnxTensor pool =
            OnnxTensor.createTensor(
                env, LongBuffer.wrap(rows.flatPoolIndex()), new long[] {rows.rows()});
        OrtSession.Result result =
            text.run(
                Map.of(
                    ClipOnnxGraphs.INPUT_IDS,
                    ids,
                    ClipOnnxGraphs.CAUSAL_MASK,
                    mask,
                    ClipOnnxGraphs.POOL_INDEX,
                    pool))) {
      return rowsOf(result, rows.rows());
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on the text tower: " + e.getMessage(), e);
    }
  }

  /** The SigLIP graph takes the ids alone: full-context rows, pooled at the last position. */
  private float[][] lastTextFeatures(TokenRows rows) {
    try (OnnxTensor ids =
            OnnxTensor.createTensor(
                env, LongBuffer.wrap(rows.ids()), new long[] {rows.rows(), rows.length()});
        OrtSession.Result result = text.run(Map.of(ClipOnnxGraphs.INPUT_IDS, ids))) {
      return rowsOf(result, rows.rows());
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on the text tower: " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] imageFeatures(float[] pixels, int count) {
    int size = visionConfig.imageSize();
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {count, 3, size, size});
        OrtSession.Result result = vision.run(Map.of(ClipOnnxGraphs.PIXELS, input))) {
      return rowsOf(result, count);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed on the image tower: " + e.getMessage(), e);
    }
  }

  private float[][] rowsOf(OrtSession.Result result, int count) throws OrtException {
    OnnxTensor out = (OnnxTensor) result.get(0);
    FloatBuffer buf = out.getFloatBuffer();
    float[][] rows = new float[count][embed];
    for (float[] row : rows) {
      buf.get(row);
    }
    return rows;
  }

  @Override
  public Backend backend() {
    return Backend.ONNX;
  }

  @Override
  public void close() {
    closeQuietly(vision);
    closeQuietly(text);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close an ONNX Runtime session", e);
    }
  }
}
