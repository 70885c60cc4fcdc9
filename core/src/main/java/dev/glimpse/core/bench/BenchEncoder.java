package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.TextConfig;
import java.util.List;
import java.util.Locale;

/** Something {@link EncoderBenchmark} can time: a Glimpse model or a peer runtime. */
public interface BenchEncoder {
  /** How the result tables name it, e.g. {@code onnx fp32}. */
  String label();

  /** The side of the square images it takes, in pixels. */
  int imageSize();

  /**
   * The checkpoint it runs, where one benchmark measures several (e.g. {@code siglip2-b16-224});
   * the agreement table compares only encoders of the same checkpoint. Empty for a run of one.
   */
  default String checkpoint() {
    return "";
  }

  /** Unnormalised features of {@code count} preprocessed images (CHW, back to back). */
  float[][] encodeImages(float[] pixels, int count);

  /** Tokenizes one query; its unnormalised features. */
  float[] encodeText(String query);

  /** Tokens the query has up to and including its end-of-text token. */
  int tokens(String query);

  /** A Glimpse model, labelled by engine and precision. */
  static BenchEncoder of(ClipModel model) {
    return of("", model);
  }

  /**
   * A Glimpse model of the named checkpoint, labelled by the name, engine and precision. A SigLIP
   * model without a tokenizer file (a random-weight benchmark checkpoint) gets synthetic token ids:
   * its text tower always runs the whole context, so the ids do not change its speed.
   */
  static BenchEncoder of(String checkpoint, ClipModel model) {
    boolean synthetic = model.family().sigmoid() && model.checkpoint().tokenizer().isEmpty();
    TextConfig text = model.config().text();
    String engine =
        model.backend().label() + " " + model.precision().name().toLowerCase(Locale.ROOT);
    return new BenchEncoder() {
      @Override
      public String label() {
        return checkpoint.isEmpty() ? engine : checkpoint + " " + engine;
      }

      @Override
      public int imageSize() {
        return model.config().vision().imageSize();
      }

      @Override
      public String checkpoint() {
        return checkpoint;
      }

      @Override
      public float[][] encodeImages(float[] pixels, int count) {
        return model.imageFeatures(pixels, count);
      }

      @Override
      public float[] encodeText(String query) {
        long[][] ids =
            synthetic
                ? new long[][] {SyntheticTokens.ids(query, text)}
                : model.tokenizer().encode(List.of(query));
        return model.textFeatures(ids)[0];
      }

      @Override
      public int tokens(String query) {
        long[] ids = synthetic ? SyntheticTokens.ids(query, text) : model.tokenizer().encode(query);
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
          if (ids[i] != 0) {
            n = i + 1;
          }
        }
        return n;
      }
    };
  }
}
