package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import java.util.List;
import java.util.Locale;

/** Something {@link EncoderBenchmark} can time: a Glimpse model or a peer runtime. */
public interface BenchEncoder {
  /** How the result tables name it, e.g. {@code onnx fp32}. */
  String label();

  /** Unnormalised features of {@code count} preprocessed images (CHW, back to back). */
  float[][] encodeImages(float[] pixels, int count);

  /** Tokenizes one query; its unnormalised features. */
  float[] encodeText(String query);

  /** Tokens the query has up to and including its end-of-text token. */
  int tokens(String query);

  /** A Glimpse model, labelled by engine and precision. */
  static BenchEncoder of(ClipModel model) {
    return new BenchEncoder() {
      @Override
      public String label() {
        return model.backend().label() + " " + model.precision().name().toLowerCase(Locale.ROOT);
      }

      @Override
      public float[][] encodeImages(float[] pixels, int count) {
        return model.imageFeatures(pixels, count);
      }

      @Override
      public float[] encodeText(String query) {
        return model.textFeatures(model.tokenizer().encode(List.of(query)))[0];
      }

      @Override
      public int tokens(String query) {
        long[] ids = model.tokenizer().encode(query);
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
