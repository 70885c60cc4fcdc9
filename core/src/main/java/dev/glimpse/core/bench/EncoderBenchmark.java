package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures encoder speed: image throughput at several batch sizes (rounds interleaved across batch
 * sizes so drifting machine load hits all of them alike; the median is reported) and text latency
 * percentiles for a typical query and for a full 77-token one.
 */
public final class EncoderBenchmark {
  /** A typical 8-word search query. */
  public static final String TYPICAL_QUERY = "a red bicycle leaning against a brick wall";

  /** A caption long enough to fill the whole context (it is truncated to 77 tokens). */
  public static final String LONG_QUERY =
      "a wide angle photograph of a crowded farmers market on a sunny saturday morning with"
          + " wooden stalls full of red apples, green pears, orange pumpkins, fresh bread, flowers"
          + " in buckets, honey jars and cheese wheels, while children with balloons, a man with a"
          + " dog on a leash, an old woman with a basket and a street musician playing an"
          + " accordion walk past colourful umbrellas under tall trees beside a stone church";

  /** Settings of one run. */
  public record Settings(int[] batchSizes, int rounds, int textRuns, long seed) {
    public Settings {
      if (batchSizes.length == 0 || rounds < 1 || textRuns < 1) {
        throw new IllegalArgumentException("need batch sizes, rounds >= 1 and text runs >= 1");
      }
      for (int b : batchSizes) {
        if (b < 1) {
          throw new IllegalArgumentException("batch size must be positive: " + b);
        }
      }
      batchSizes = batchSizes.clone();
    }

    @Override
    public int[] batchSizes() {
      return batchSizes.clone();
    }
  }

  /** Images per second at one batch size: the median and every round. */
  public record ImageResult(int batch, double medianImagesPerSecond, double[] rounds) {}

  /** Latency of one query in milliseconds. */
  public record TextResult(String name, int tokens, double p50Millis, double p99Millis, int runs) {}

  /** Everything one run measured. */
  public record Result(List<ImageResult> images, List<TextResult> texts) {}

  private final ClipModel model;
  private final Settings settings;
  private final Consumer<String> log;

  public EncoderBenchmark(ClipModel model, Settings settings, Consumer<String> log) {
    this.model = model;
    this.settings = settings;
    this.log = log;
  }

  /** Runs the benchmark. */
  public Result run() {
    int[] batches = settings.batchSizes();
    int size = model.preprocess().cropSize();
    SplittableRandom random = new SplittableRandom(settings.seed());
    float[][] inputs = new float[batches.length][];
    for (int i = 0; i < batches.length; i++) {
      inputs[i] = new float[batches[i] * 3 * size * size];
      for (int k = 0; k < inputs[i].length; k++) {
        inputs[i][k] = (float) random.nextGaussian();
      }
      model.encodeImages(inputs[i], batches[i]); // warm-up
    }
    double[][] rates = new double[batches.length][settings.rounds()];
    for (int r = 0; r < settings.rounds(); r++) {
      for (int i = 0; i < batches.length; i++) {
        long t0 = System.nanoTime();
        model.encodeImages(inputs[i], batches[i]);
        double seconds = (System.nanoTime() - t0) / 1e9;
        rates[i][r] = batches[i] / seconds;
      }
      log.accept(
          "round " + (r + 1) + "/" + settings.rounds() + ": " + Arrays.toString(column(rates, r)));
    }
    List<ImageResult> images = new ArrayList<>();
    for (int i = 0; i < batches.length; i++) {
      images.add(new ImageResult(batches[i], median(rates[i]), rates[i]));
    }
    List<TextResult> texts = new ArrayList<>();
    texts.add(text("typical 8-word query", TYPICAL_QUERY));
    texts.add(text("77-token query", LONG_QUERY));
    return new Result(images, texts);
  }

  private TextResult text(String name, String query) {
    long[] ids = model.tokenizer().encode(query);
    int tokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != 0) {
        tokens = i + 1;
      }
    }
    for (int i = 0; i < 5; i++) {
      model.encodeTexts(List.of(query));
    }
    double[] ms = new double[settings.textRuns()];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      model.encodeTexts(List.of(query));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return new TextResult(name, tokens, percentile(ms, 50), percentile(ms, 99), ms.length);
  }

  private static double[] column(double[][] m, int c) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = Math.round(m[i][c] * 10) / 10.0;
    }
    return out;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
