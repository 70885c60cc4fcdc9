package dev.glimpse.core.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.glimpse.core.clip.TextTokenizer;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The peer of the encoder benchmark: ONNX Runtime running a CLIP exported by PyTorch ({@code
 * scripts/peer/export_onnx.py}), with default session options, the way Immich, rclip and fastembed
 * run CLIP. Queries are cut at their end-of-text token, the peer's best case.
 *
 * <p>Expects {@code vision.onnx} ({@code pixel_values [batch, 3, S, S]} to unnormalised features)
 * and {@code text.onnx} ({@code input_ids [batch, tokens]} to unnormalised features) in one folder.
 */
public final class OrtPeerEncoder implements BenchEncoder, AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession vision;
  private final OrtSession text;
  private final TextTokenizer tokenizer;
  private final int imageSize;

  /**
   * @param dir folder with {@code vision.onnx} and {@code text.onnx}
   * @param tokenizer the CLIP tokenizer (the same one Glimpse's model uses)
   * @param imageSize the model's input size
   */
  public OrtPeerEncoder(Path dir, TextTokenizer tokenizer, int imageSize) throws IOException {
    this.tokenizer = tokenizer;
    this.imageSize = imageSize;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      this.vision = env.createSession(read(dir.resolve("vision.onnx")), options);
      this.text = env.createSession(read(dir.resolve("text.onnx")), options);
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot load the peer models in " + dir, e);
    }
  }

  private static byte[] read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          file + " is missing; export it with scripts/peer/export_onnx.py (see its README)");
    }
    return Files.readAllBytes(file);
  }

  @Override
  public int imageSize() {
    return imageSize;
  }

  @Override
  public String label() {
    return "ort peer fp32";
  }

  @Override
  public float[][] encodeImages(float[] pixels, int count) {
    try (OnnxTensor in =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {count, 3, imageSize, imageSize});
        OrtSession.Result r = vision.run(Map.of("pixel_values", in))) {
      return (float[][]) r.get(0).getValue();
    } catch (OrtException e) {
      throw new IllegalStateException("peer image model failed", e);
    }
  }

  @Override
  public float[] encodeText(String query) {
    long[] ids = tokenizer.encode(query);
    int n = untilEndOfText(ids);
    long[] cut = java.util.Arrays.copyOf(ids, n);
    try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(cut), new long[] {1, n});
        OrtSession.Result r = text.run(Map.of("input_ids", in))) {
      return ((float[][]) r.get(0).getValue())[0];
    } catch (OrtException e) {
      throw new IllegalStateException("peer text model failed", e);
    }
  }

  @Override
  public int tokens(String query) {
    return untilEndOfText(tokenizer.encode(query));
  }

  /** Ids up to and including the end-of-text token (the largest id). */
  private static int untilEndOfText(long[] ids) {
    int eot = 0;
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] > ids[eot]) {
        eot = i;
      }
    }
    return eot + 1;
  }

  @Override
  public void close() throws OrtException {
    vision.close();
    text.close();
  }
}
