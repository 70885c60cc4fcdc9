package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures encoder speed: image throughput at several batch sizes (rounds interleaved across batch
 * sizes so drifting machine load hits all of them alike; the median is reported) and text latency
 * percentiles for a typical query and for one that fills the whole context (77 tokens for CLIP).
 */
public final class EncoderBenchmark {
  /** A typical 8-word search query. */
  public static final String TYPICAL_QUERY = "a red bicycle leaning against a brick wall";

  /** A caption long enough to fill the whole context (truncated: 77 tokens for CLIP, 64 SigLIP). */
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

  /** Images per second of one model at one batch size: the median and every round. */
  public record ImageResult(
      String encoder, int batch, double medianImagesPerSecond, double[] rounds) {}

  /** Latency of one model on one query in milliseconds. */
  public record TextResult(
      String encoder, String name, int tokens, double p50Millis, double p99Millis, int runs) {}

  /**
   * How far one encoder's features are from the reference encoder's (the first in the run of the
   * same checkpoint), over 8 random images and both queries: the worst cosine and the largest
   * absolute difference.
   */
  public record Agreement(String encoder, String reference, double minCosine, double maxAbs) {}

  /** Everything one run measured. */
  public record Result(
      List<ImageResult> images, List<TextResult> texts, List<Agreement> agreement) {}

  private final List<BenchEncoder> models;
  private final Settings settings;
  private final Consumer<String> log;

  /** Pause before each timed call when several engines take turns; see {@link #settle()}. */
  static final long SETTLE_MS = 20;

  /**
   * Text queries are timed in blocks of this many back-to-back runs per engine, the engines taking
   * turns block by block: the latency of a query on a warm engine, as under steady search traffic.
   */
  static final int TEXT_BLOCK = 10;

  /** A benchmark of one model. */
  public EncoderBenchmark(ClipModel model, Settings settings, Consumer<String> log) {
    this(List.of(BenchEncoder.of(model)), settings, log);
  }

  /**
   * A benchmark of several encoders (e.g. one per precision, or one per checkpoint geometry),
   * measured interleaved so that drifting machine load hits all of them alike. Each gets random
   * images of its own input size.
   */
  public EncoderBenchmark(List<BenchEncoder> models, Settings settings, Consumer<String> log) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no models to benchmark");
    }
    this.models = List.copyOf(models);
    this.settings = settings;
    this.log = log;
  }

  /** Runs the benchmark. */
  public Result run() {
    int[] batches = settings.batchSizes();
    SplittableRandom random = new SplittableRandom(settings.seed());
    // One set of inputs per input size, shared by the encoders of that size.
    Map<Integer, float[][]> inputsBySize = new HashMap<>();
    for (BenchEncoder m : models) {
      inputsBySize.computeIfAbsent(m.imageSize(), size -> randomInputs(batches, size, random));
    }
    for (int i = 0; i < batches.length; i++) {
      for (BenchEncoder m : models) {
        m.encodeImages(inputsBySize.get(m.imageSize())[i], batches[i]); // warm-up
      }
    }
    int cells = models.size() * batches.length;
    double[][] rates = new double[cells][settings.rounds()];
    for (int r = 0; r < settings.rounds(); r++) {
      for (int i = 0; i < batches.length; i++) {
        for (int m = 0; m < models.size(); m++) {
          settle();
          long t0 = System.nanoTime();
          models.get(m).encodeImages(inputsBySize.get(models.get(m).imageSize())[i], batches[i]);
          double seconds = (System.nanoTime() - t0) / 1e9;
          rates[m * batches.length + i][r] = batches[i] / seconds;
        }
      }
      log.accept(
          "round " + (r + 1) + "/" + settings.rounds() + ": " + Arrays.toString(column(rates, r)));
    }
    List<ImageResult> images = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      for (int i = 0; i < batches.length; i++) {
        double[] cell = rates[m * batches.length + i];
        images.add(new ImageResult(models.get(m).label(), batches[i], median(cell), cell));
      }
    }
    List<TextResult> texts = new ArrayList<>();
    texts.addAll(text("typical 8-word query", TYPICAL_QUERY));
    texts.addAll(text("full-context query", LONG_QUERY));
    return new Result(images, texts, agreement(random));
  }

  private static float[][] randomInputs(int[] batches, int size, SplittableRandom random) {
    float[][] inputs = new float[batches.length][];
    for (int i = 0; i < batches.length; i++) {
      inputs[i] = new float[batches[i] * 3 * size * size];
      for (int k = 0; k < inputs[i].length; k++) {
        inputs[i][k] = (float) random.nextGaussian();
      }
    }
    return inputs;
  }

  /** Each checkpoint's encoders against the first of them. */
  private List<Agreement> agreement(SplittableRandom random) {
    Map<String, List<BenchEncoder>> byCheckpoint = new LinkedHashMap<>();
    for (BenchEncoder m : models) {
      byCheckpoint.computeIfAbsent(m.checkpoint(), k -> new ArrayList<>()).add(m);
    }
    List<Agreement> out = new ArrayList<>();
    for (List<BenchEncoder> group : byCheckpoint.values()) {
      out.addAll(agreement(group, random));
    }
    return out;
  }

  private static List<Agreement> agreement(List<BenchEncoder> group, SplittableRandom random) {
    BenchEncoder reference = group.get(0);
    int size = reference.imageSize();
    float[] pixels = new float[8 * 3 * size * size];
    for (int k = 0; k < pixels.length; k++) {
      pixels[k] = (float) random.nextGaussian();
    }
    List<Agreement> out = new ArrayList<>();
    if (group.size() < 2) {
      return out;
    }
    float[][] refImages = reference.encodeImages(pixels, 8);
    float[][] refTexts = {reference.encodeText(TYPICAL_QUERY), reference.encodeText(LONG_QUERY)};
    for (BenchEncoder m : group.subList(1, group.size())) {
      float[][] images = m.encodeImages(pixels, 8);
      float[][] texts = {m.encodeText(TYPICAL_QUERY), m.encodeText(LONG_QUERY)};
      double minCos = 1;
      double maxAbs = 0;
      for (int i = 0; i < images.length + texts.length; i++) {
        float[] a = i < images.length ? refImages[i] : refTexts[i - images.length];
        float[] b = i < images.length ? images[i] : texts[i - images.length];
        minCos = Math.min(minCos, Vectors.cosine(a, b));
        for (int d = 0; d < a.length; d++) {
          maxAbs = Math.max(maxAbs, Math.abs(a[d] - b[d]));
        }
      }
      out.add(new Agreement(m.label(), reference.label(), minCos, maxAbs));
    }
    return out;
  }

  /** One query on every model, runs interleaved across models. */
  private List<TextResult> text(String name, String query) {
    for (int i = 0; i < 5; i++) {
      for (BenchEncoder m : models) {
        m.encodeText(query);
      }
    }
    double[][] ms = new double[models.size()][settings.textRuns()];
    for (int i = 0; i < settings.textRuns(); i += TEXT_BLOCK) {
      for (int m = 0; m < models.size(); m++) {
        settle();
        models.get(m).encodeText(query); // untimed: wakes this engine's threads
        for (int k = i; k < Math.min(i + TEXT_BLOCK, settings.textRuns()); k++) {
          long t0 = System.nanoTime();
          models.get(m).encodeText(query);
          ms[m][k] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    List<TextResult> out = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      Arrays.sort(ms[m]);
      out.add(
          new TextResult(
              models.get(m).label(),
              name,
              models.get(m).tokens(query),
              percentile(ms[m], 50),
              percentile(ms[m], 99),
              ms[m].length));
    }
    return out;
  }

  /**
   * Between timed calls of different engines, lets the previous engine's pool threads stop spinning
   * (ONNX Runtime's and OpenMP's workers busy-wait for a while after each call, and on 2 cores that
   * steals the next engine's CPU). Real use runs one engine at a time, so without the pause
   * whichever engine runs second is measured on a partly busy machine.
   */
  private void settle() {
    if (models.size() < 2) {
      return;
    }
    try {
      Thread.sleep(SETTLE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
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
