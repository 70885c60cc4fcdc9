package dev.glimpse.core.bench;

import dev.glimpse.core.relevance.Relevance;
import dev.glimpse.core.relevance.RelevanceCutoff;
import dev.glimpse.core.relevance.RelevanceModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Quality of the relevance cut-off ({@link RelevanceCutoff}) on synthetic score distributions: a
 * background of unrelated images drawn from one of several shapes, with a planted set of relevant
 * images some background standard deviations above it, or none. Reports precision and recall of
 * {@link Relevance#STRONG} per background shape and separation, and how often a query without any
 * planted image gets "no good match" (no strong hit).
 *
 * <p>Every distribution is drawn in background units (centre 0, standard deviation 1) and then
 * mapped onto the score range of a model: CLIP cosines of unrelated images sit near 0.21 with a
 * spread of 0.025, SigLIP's near -0.04 with 0.012. The cut-off must give the same answers on both,
 * since it assumes no score values. Indexes above the exact-search limit are judged from a uniform
 * sample, as the store does.
 */
public final class CutoffBenchmark {

  /** Shapes of the background, each standardised to mean 0 and standard deviation 1. */
  public enum Background {
    /** Normal. */
    NORMAL(0, 1),
    /** Skew-normal with shape 4: a longer upper tail, as cosines of a mixed collection have. */
    SKEWED(
        SKEW_DELTA * Math.sqrt(2 / Math.PI), Math.sqrt(1 - 2 * SKEW_DELTA * SKEW_DELTA / Math.PI)),
    /**
     * 85% one normal, 15% a second one 1.5 up: a topic close to the query fills part of the index.
     */
    CLUSTERED(0.15 * 1.5, Math.sqrt(1 + 0.15 * 0.85 * 1.5 * 1.5)),
    /** Student t with 10 degrees of freedom: tails heavier than the model assumes (a limit). */
    HEAVY(0, Math.sqrt(10 / 8.0));

    private final double mean;
    private final double sd;

    Background(double mean, double sd) {
      this.mean = mean;
      this.sd = sd;
    }

    double draw(Random r) {
      return (raw(r) - mean) / sd;
    }

    private double raw(Random r) {
      return switch (this) {
        case NORMAL -> r.nextGaussian();
        case SKEWED ->
            SKEW_DELTA * Math.abs(r.nextGaussian())
                + Math.sqrt(1 - SKEW_DELTA * SKEW_DELTA) * r.nextGaussian();
        case CLUSTERED -> r.nextDouble() < 0.15 ? 1.5 + r.nextGaussian() : r.nextGaussian();
        case HEAVY -> {
          double chi2 = 0;
          for (int i = 0; i < 10; i++) {
            double g = r.nextGaussian();
            chi2 += g * g;
          }
          yield r.nextGaussian() / Math.sqrt(chi2 / 10);
        }
      };
    }
  }

  /**
   * Where a model's scores of unrelated images lie.
   *
   * @param name the model family
   * @param centre a typical background score
   * @param spread a typical background standard deviation
   */
  public record ScoreRange(String name, double centre, double spread) {
    /** CLIP ViT-B/32 text-to-image cosines. */
    public static final ScoreRange CLIP = new ScoreRange("clip", 0.21, 0.025);

    /** SigLIP text-to-image cosines. */
    public static final ScoreRange SIGLIP = new ScoreRange("siglip", -0.04, 0.012);

    float score(double backgroundUnits) {
      return (float) (centre + spread * backgroundUnits);
    }
  }

  /**
   * What to run.
   *
   * @param populations images per synthetic index
   * @param plantedSizes relevant images planted (sizes above a tenth of the index are skipped)
   * @param separations planted set's mean, in background standard deviations above the centre; its
   *     own spread is one background standard deviation
   * @param trials draws per index, size and separation
   * @param nullTrials draws per index without a planted set
   * @param sampleLimit indexes above this many images are judged from a sample of {@code sample}
   * @param sample scores sampled above the limit
   * @param seed random seed
   */
  public record Config(
      int[] populations,
      int[] plantedSizes,
      double[] separations,
      int trials,
      int nullTrials,
      int sampleLimit,
      int sample,
      long seed) {}

  /**
   * Precision and recall of strong for one shape, score range and separation, over every index size
   * and planted size.
   */
  public record Cell(
      Background background,
      String range,
      double separation,
      long truePositives,
      long falsePositives,
      long planted,
      long weakPlanted) {
    /** Strong hits that were planted, of all strong hits (1 when there is none). */
    public double precision() {
      long strong = truePositives + falsePositives;
      return strong == 0 ? 1 : truePositives / (double) strong;
    }

    /** Planted images labelled strong. */
    public double recall() {
      return planted == 0 ? 0 : truePositives / (double) planted;
    }

    /** Planted images labelled strong or weak. */
    public double recallWithWeak() {
      return planted == 0 ? 0 : (truePositives + weakPlanted) / (double) planted;
    }
  }

  /**
   * Queries without any planted image: how many got "no good match", and the weak hits they got.
   */
  public record NullCell(
      Background background, String range, int population, int trials, int noGoodMatch, long weak) {
    /** Fraction of queries with no strong hit. */
    public double noGoodMatchRate() {
      return noGoodMatch / (double) trials;
    }

    /** Mean weak hits per query. */
    public double meanWeak() {
      return weak / (double) trials;
    }
  }

  /** Everything measured. */
  public record Result(Config config, List<Cell> cells, List<NullCell> nulls) {}

  /** delta of the skew-normal with shape 4: 4 / sqrt(1 + 4^2). */
  private static final double SKEW_DELTA = 4 / Math.sqrt(17);

  private CutoffBenchmark() {}

  /** The default grid: 100 to 100,000 images, 1 to 1,000 planted, separations 3 to 10. */
  public static Config defaults() {
    return new Config(
        new int[] {100, 1_000, 10_000, 100_000},
        new int[] {1, 5, 20, 100, 1_000},
        new double[] {3, 4, 5, 6, 8, 10},
        3,
        200,
        150_000,
        20_000,
        42);
  }

  /** Runs the grid. */
  public static Result run(Config config, Consumer<String> log) {
    Random random = new Random(config.seed());
    List<ScoreRange> ranges = List.of(ScoreRange.CLIP, ScoreRange.SIGLIP);
    Map<String, long[]> acc = new LinkedHashMap<>();
    List<NullCell> nulls = new ArrayList<>();
    for (Background bg : Background.values()) {
      for (ScoreRange range : ranges) {
        for (int n : config.populations()) {
          int noGood = 0;
          long weak = 0;
          for (int t = 0; t < config.nullTrials(); t++) {
            float[] scores = background(bg, range, n, random);
            long[] labels = judge(scores, 0, config);
            noGood += labels[0] == 0 ? 1 : 0;
            weak += labels[1];
          }
          nulls.add(new NullCell(bg, range.name(), n, config.nullTrials(), noGood, weak));
          for (double sep : config.separations()) {
            long[] a = acc.computeIfAbsent(bg + "|" + range.name() + "|" + sep, x -> new long[4]);
            for (int size : config.plantedSizes()) {
              if (size > n / 10) {
                continue;
              }
              for (int t = 0; t < config.trials(); t++) {
                float[] scores = background(bg, range, n, random);
                for (int i = 0; i < size; i++) { // planted images first, replacing background ones
                  scores[i] = range.score(sep + random.nextGaussian());
                }
                long[] labels = judge(scores, size, config);
                a[0] += labels[2];
                a[1] += labels[0] - labels[2];
                a[2] += size;
                a[3] += labels[3];
              }
            }
          }
        }
        log.accept("cut-off benchmark: " + bg + " " + range.name() + " done");
      }
    }
    List<Cell> cells = new ArrayList<>();
    for (Map.Entry<String, long[]> e : acc.entrySet()) {
      String[] key = e.getKey().split("\\|", -1);
      long[] a = e.getValue();
      cells.add(
          new Cell(
              Background.valueOf(key[0]),
              key[1],
              Double.parseDouble(key[2]),
              a[0],
              a[1],
              a[2],
              a[3]));
    }
    return new Result(config, cells, nulls);
  }

  private static float[] background(Background bg, ScoreRange range, int n, Random random) {
    float[] scores = new float[n];
    for (int i = 0; i < n; i++) {
      scores[i] = range.score(bg.draw(random));
    }
    return scores;
  }

  /**
   * Fits and labels one index whose first {@code planted} scores are the planted ones.
   *
   * @return strong hits, weak hits, planted strong hits, planted weak hits
   */
  private static long[] judge(float[] scores, int planted, Config config) {
    float[] fitted = scores;
    if (scores.length > config.sampleLimit()) {
      int stride = (int) Math.ceil(scores.length / (double) config.sample());
      fitted = new float[(scores.length + stride - 1) / stride];
      for (int i = 0, j = 0; i < scores.length; i += stride) {
        fitted[j++] = scores[i];
      }
    }
    RelevanceModel model = RelevanceCutoff.fit(fitted, scores.length);
    long[] out = new long[4];
    for (int i = 0; i < scores.length; i++) {
      Relevance r = model.label(scores[i]);
      if (r == Relevance.STRONG) {
        out[0]++;
        if (i < planted) {
          out[2]++;
        }
      } else if (r == Relevance.WEAK) {
        out[1]++;
        if (i < planted) {
          out[3]++;
        }
      }
    }
    return out;
  }

  /** The result as the Markdown tables of docs/benchmarks.md. */
  public static String markdown(Result result) {
    StringBuilder sb = new StringBuilder();
    Config c = result.config();
    sb.append(
        String.format(
            Locale.ROOT,
            "Indexes of %s images; planted sets of %s images (at most a tenth of the index), each"
                + " image one background SD around the separation; %d draws per cell, %d per index"
                + " without a planted set; seed %d.%n%n",
            join(c.populations()),
            join(c.plantedSizes()),
            c.trials(),
            c.nullTrials(),
            c.seed()));
    sb.append("Precision / recall of `strong` (recall of strong+weak in brackets):\n\n");
    sb.append("| background | scores |");
    for (double s : c.separations()) {
      sb.append(String.format(Locale.ROOT, " %.0f SD |", s));
    }
    sb.append("\n|---|---|");
    sb.append("---|".repeat(c.separations().length)).append('\n');
    Map<String, List<Cell>> rows = new LinkedHashMap<>();
    for (Cell cell : result.cells()) {
      rows.computeIfAbsent(cell.background() + " | " + cell.range(), k -> new ArrayList<>())
          .add(cell);
    }
    for (Map.Entry<String, List<Cell>> row : rows.entrySet()) {
      sb.append("| ").append(row.getKey().toLowerCase(Locale.ROOT)).append(" |");
      for (Cell cell : row.getValue()) {
        sb.append(
            String.format(
                Locale.ROOT,
                " %.3f / %.3f (%.3f) |",
                cell.precision(),
                cell.recall(),
                cell.recallWithWeak()));
      }
      sb.append('\n');
    }
    sb.append("\n\"No good match\" rate without a planted set (mean weak hits per query):\n\n");
    sb.append("| background | scores |");
    for (int n : c.populations()) {
      sb.append(String.format(Locale.ROOT, " %,d |", n));
    }
    sb.append("\n|---|---|").append("---|".repeat(c.populations().length)).append('\n');
    Map<String, List<NullCell>> nullRows = new LinkedHashMap<>();
    for (NullCell cell : result.nulls()) {
      nullRows
          .computeIfAbsent(cell.background() + " | " + cell.range(), k -> new ArrayList<>())
          .add(cell);
    }
    for (Map.Entry<String, List<NullCell>> row : nullRows.entrySet()) {
      sb.append("| ").append(row.getKey().toLowerCase(Locale.ROOT)).append(" |");
      for (NullCell cell : row.getValue()) {
        sb.append(
            String.format(Locale.ROOT, " %.3f (%.1f) |", cell.noGoodMatchRate(), cell.meanWeak()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String join(int[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d", values[i]));
    }
    return sb.toString();
  }
}
