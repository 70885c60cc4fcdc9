package dev.glimpse.core.bench;

import dev.glimpse.core.SuppressForbidden;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.DecodedImage;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Compares the reference path (full decode + exact CLIP preprocessing) with the indexing path
 * (DCT-scaled decode + the same preprocessing) on real files: CPU time of the calling thread, the
 * median over several runs after one warm-up, and how far apart the two outputs are.
 *
 * <p>Run: {@code java -cp core.jar dev.glimpse.core.bench.DecodeBenchmark [--runs N]
 * [--min-short-side PX] FILE...}.
 */
public final class DecodeBenchmark {

  private final ClipPreprocessor preprocessor;
  private final ImageDecoder decoder;
  private final int runs;
  private final int minShortSide;

  /**
   * Creates a benchmark.
   *
   * @param config the CLIP preprocessing to time
   * @param runs timed runs per file and path, positive (one untimed warm-up run comes first)
   * @param minShortSide shorter side the fast path decodes to at least, e.g. the resize size
   */
  public DecodeBenchmark(PreprocessConfig config, int runs, int minShortSide) {
    if (runs <= 0) {
      throw new IllegalArgumentException("runs must be positive, got " + runs);
    }
    if (minShortSide <= 0) {
      throw new IllegalArgumentException("minShortSide must be positive, got " + minShortSide);
    }
    this.minShortSide = minShortSide;
    this.decoder = new ImageDecoder();
    this.preprocessor = new ClipPreprocessor(Objects.requireNonNull(config, "config"), decoder);
    this.runs = runs;
  }

  /**
   * One file's numbers. Times are median CPU milliseconds of the calling thread; the differences
   * compare the two preprocessed float arrays (normalised pixel values).
   *
   * @param file the image
   * @param width full width
   * @param height full height
   * @param reducedWidth width the fast path decoded at
   * @param reducedHeight height the fast path decoded at
   * @param exactDecodeMs reference decode alone
   * @param exactTotalMs reference decode + preprocess
   * @param fastDecodeMs downscaled decode alone
   * @param fastTotalMs downscaled decode + preprocess
   * @param maxAbsDiff largest absolute difference of a preprocessed value
   * @param meanAbsDiff mean absolute difference of the preprocessed values
   * @param cosine cosine similarity of the two preprocessed vectors
   */
  public record Result(
      Path file,
      int width,
      int height,
      int reducedWidth,
      int reducedHeight,
      double exactDecodeMs,
      double exactTotalMs,
      double fastDecodeMs,
      double fastTotalMs,
      double maxAbsDiff,
      double meanAbsDiff,
      double cosine) {}

  /**
   * Measures one file.
   *
   * @param file the image
   * @return the numbers
   * @throws IOException if the file cannot be read or decoded
   */
  public Result measure(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.toString();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] exactDecode = new long[runs];
    long[] exactTotal = new long[runs];
    long[] fastDecode = new long[runs];
    long[] fastTotal = new long[runs];
    DecodedImage full = null;
    DecodedImage reduced = null;
    float[] exact = null;
    float[] fast = null;
    for (int run = -1; run < runs; run++) {
      long t0 = threads.getCurrentThreadCpuTime();
      full = decoder.decode(bytes, name);
      long t1 = threads.getCurrentThreadCpuTime();
      exact = preprocessor.preprocess(full);
      long t2 = threads.getCurrentThreadCpuTime();
      reduced = decoder.decodeDownscaled(bytes, name, minShortSide);
      long t3 = threads.getCurrentThreadCpuTime();
      fast = preprocessor.preprocess(reduced);
      long t4 = threads.getCurrentThreadCpuTime();
      if (run >= 0) {
        exactDecode[run] = t1 - t0;
        exactTotal[run] = t2 - t0;
        fastDecode[run] = t3 - t2;
        fastTotal[run] = t4 - t2;
      }
    }
    double[] diff = compare(exact, fast);
    return new Result(
        file,
        full.width(),
        full.height(),
        reduced.width(),
        reduced.height(),
        medianMs(exactDecode),
        medianMs(exactTotal),
        medianMs(fastDecode),
        medianMs(fastTotal),
        diff[0],
        diff[1],
        diff[2]);
  }

  /** Max abs, mean abs and cosine of two equally long vectors. */
  static double[] compare(float[] a, float[] b) {
    double max = 0;
    double sum = 0;
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - b[i]);
      max = Math.max(max, d);
      sum += d;
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return new double[] {max, sum / a.length, dot / Math.sqrt(na * nb)};
  }

  private static double medianMs(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return median / 1e6;
  }

  /**
   * Prints a table of results.
   *
   * @param results the results
   * @param out where to print
   */
  public static void print(List<Result> results, PrintStream out) {
    out.println(
        "file\tsize\treduced\texact_decode_ms\texact_total_ms\tfast_decode_ms\tfast_total_ms"
            + "\tmax_abs\tmean_abs\tcosine");
    for (Result r : results) {
      out.printf(
          Locale.ROOT,
          "%s\t%dx%d\t%dx%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.4f\t%.5f\t%.6f%n",
          r.file().getFileName(),
          r.width(),
          r.height(),
          r.reducedWidth(),
          r.reducedHeight(),
          r.exactDecodeMs(),
          r.exactTotalMs(),
          r.fastDecodeMs(),
          r.fastTotalMs(),
          r.maxAbsDiff(),
          r.meanAbsDiff(),
          r.cosine());
    }
  }

  /**
   * Measures the files named on the command line with CLIP ViT-B/32 preprocessing (224 px).
   *
   * @param args {@code [--runs N] [--min-short-side PX] FILE...}
   * @throws IOException if a file cannot be read or decoded
   */
  @SuppressForbidden(reason = "a command-line entry point: its usage and table go to the console")
  public static void main(String[] args) throws IOException {
    int runs = 7;
    int minShortSide = 224;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs") && i + 1 < args.length) {
        runs = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--min-short-side") && i + 1 < args.length) {
        minShortSide = Integer.parseInt(args[++i]);
      } else {
        files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: DecodeBenchmark [--runs N] [--min-short-side PX] FILE...");
      System.exit(2);
    }
    DecodeBenchmark benchmark = new DecodeBenchmark(PreprocessConfig.clip(224), runs, minShortSide);
    List<Result> results = new ArrayList<>();
    for (Path file : files) {
      results.add(benchmark.measure(file));
    }
    print(results, System.out);
  }
}
