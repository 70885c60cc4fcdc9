package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.image.PreprocessConfig;
import dev.glimpse.core.index.ContentHash;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.MetadataReader;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import dev.glimpse.core.indexing.IndexingSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Measures indexing speed on a photo folder, in one process so that the ratios mean something on a
 * noisy machine. Each round runs, in rotating order:
 *
 * <ul>
 *   <li><b>end to end</b>: the real {@link ImageIndexer} with a fresh {@link LuceneVectorStore} in
 *       a temporary folder and default options; images/s is newly indexed images over the wall time
 *       of the run (the model is loaded once, before);
 *   <li><b>encoder only</b>: the same number of images as ready-made pixel batches of the indexer's
 *       batch size, straight into the model;
 *   <li><b>naive</b>: one image at a time on one thread: read, full decode ({@link
 *       ImageDecoder#decode(byte[], String)}), CLIP preprocessing, encode a batch of one; on every
 *       {@link Settings#naiveEvery()}-th file, as it is slow.
 * </ul>
 *
 * <p>The median of the rounds is reported. Separately, {@link DecodeBenchmark} gives the CPU time
 * of decode + preprocessing, full and downscaled, for the folder's JPEGs of at least {@link
 * Settings#minPixels()} pixels.
 */
public final class IndexBenchmark {

  /**
   * Settings of one run.
   *
   * @param folder the photo folder, walked recursively (hidden files skipped)
   * @param rounds timed rounds of the three pipelines, positive
   * @param decodeRuns timed runs per large JPEG in the decode measurement, positive
   * @param minPixels a JPEG with at least this many pixels counts as large (12 MP class)
   * @param scratch where temporary indexes are created (and deleted)
   * @param naiveEvery the naive pipeline takes every n-th file (1: all), as it is slow
   * @param decodeThreads decode worker counts to run the pipeline with, each every round; the first
   *     is the one compared with the encoder and the naive pipeline
   */
  public record Settings(
      Path folder,
      int rounds,
      int decodeRuns,
      long minPixels,
      Path scratch,
      int naiveEvery,
      int[] decodeThreads) {
    /** Validates the values. */
    public Settings {
      decodeThreads = decodeThreads.clone();
      if (decodeThreads.length == 0) {
        throw new IllegalArgumentException("no decode thread counts");
      }
      if (naiveEvery < 1) {
        throw new IllegalArgumentException("naiveEvery must be positive, got " + naiveEvery);
      }
      if (rounds < 1 || decodeRuns < 1 || minPixels < 1) {
        throw new IllegalArgumentException(
            "rounds, decodeRuns and minPixels must be positive, got "
                + rounds
                + ", "
                + decodeRuns
                + ", "
                + minPixels);
      }
    }

    @Override
    public int[] decodeThreads() {
      return decodeThreads.clone();
    }
  }

  /**
   * Images per second of one pipeline: the median and every round.
   *
   * @param images images encoded per round
   * @param medianImagesPerSecond median over the rounds
   * @param rounds each round's images per second, in run order
   */
  public record Throughput(long images, double medianImagesPerSecond, double[] rounds) {}

  /**
   * The pipeline with one decode worker count.
   *
   * @param decodeThreads decode workers
   * @param throughput its images per second
   */
  public record Variant(int decodeThreads, Throughput throughput, Diagnosis diagnosis) {}

  /**
   * Where the pipeline's time went, from its encoder calls (medians over the rounds): an encoder
   * busy nearly all the wall time but slower per image than alone means CPU contention; a lower
   * busy share means the encoder waited for decoded images.
   *
   * @param encoderBusyShare time inside encoder calls over the wall time of the run
   * @param meanBatch images per encoder call
   * @param busyImagesPerSecond images over the time inside encoder calls
   */
  public record Diagnosis(double encoderBusyShare, double meanBatch, double busyImagesPerSecond) {}

  /**
   * Everything one run measured.
   *
   * @param files files in the folder
   * @param endToEnd the indexing pipeline, one entry per decode worker count (first: the main one)
   * @param encoderOnly the model alone on the same number of images
   * @param naive one image at a time, full decode
   * @param batch the indexer's batch size
   * @param largeJpegs decode + preprocessing CPU times of the large JPEGs
   * @param prepare the decode workers' CPU time per image over the whole folder
   * @param encoderCpuMsPerImage process CPU time per image of the encoder-only runs (all threads)
   */
  public record Result(
      int files,
      List<Variant> endToEnd,
      Throughput encoderOnly,
      Throughput naive,
      int batch,
      List<DecodeBenchmark.Result> largeJpegs,
      PrepareCost prepare,
      double encoderCpuMsPerImage) {

    /**
     * The best end to end / encoder only ratio when every CPU is busy encoding and the decode
     * workers' CPU time is taken from the encoder: encoder CPU / (encoder CPU + decode side CPU).
     */
    public double cpuBound() {
      return encoderCpuMsPerImage / (encoderCpuMsPerImage + prepare.totalMs());
    }

    /** The main end-to-end figure: the first decode worker count. */
    public Throughput mainEndToEnd() {
      return endToEnd.getFirst().throughput();
    }

    /** End to end over encoder only (target at least 0.9). */
    public double endToEndOverEncoder() {
      return mainEndToEnd().medianImagesPerSecond() / encoderOnly.medianImagesPerSecond();
    }

    /** End to end over naive (target at least 2). */
    public double endToEndOverNaive() {
      return mainEndToEnd().medianImagesPerSecond() / naive.medianImagesPerSecond();
    }

    /** Median over the large JPEGs of the downscaled decode + preprocess CPU ms. */
    public double medianFastMs() {
      return median(largeJpegs.stream().mapToDouble(DecodeBenchmark.Result::fastTotalMs).toArray());
    }

    /** Median over the large JPEGs of the full decode + preprocess CPU ms. */
    public double medianExactMs() {
      return median(
          largeJpegs.stream().mapToDouble(DecodeBenchmark.Result::exactTotalMs).toArray());
    }
  }

  /**
   * Mean CPU milliseconds per file of what a decode worker does, measured on one thread over every
   * file of the folder (files that fail to decode included, as in the pipeline).
   *
   * @param files files measured
   * @param readAndHashMs reading the file and its SHA-256
   * @param metadataMs EXIF and header metadata
   * @param decodeMs downscaled decode and CLIP preprocessing
   */
  public record PrepareCost(int files, double readAndHashMs, double metadataMs, double decodeMs) {
    /** All three. */
    public double totalMs() {
      return readAndHashMs + metadataMs + decodeMs;
    }
  }

  private final ClipModel model;
  private final Settings settings;
  private final Consumer<String> log;
  private final ImageDecoder decoder = new ImageDecoder();
  private final ClipPreprocessor preprocessor;

  /**
   * Creates a benchmark.
   *
   * @param model the model, loaded by the caller (its load time is not measured)
   * @param settings what to measure
   * @param log receives one line per finished step
   */
  public IndexBenchmark(ClipModel model, Settings settings, Consumer<String> log) {
    this.model = model;
    this.settings = settings;
    this.log = log;
    this.preprocessor = new ClipPreprocessor(model.preprocess(), decoder);
  }

  /**
   * Runs the benchmark.
   *
   * @return the numbers
   * @throws IOException if the folder cannot be read or a temporary index cannot be written
   * @throws InterruptedException if interrupted
   */
  public Result run() throws IOException, InterruptedException {
    List<Path> files = listFiles(settings.folder());
    List<Path> naiveFiles = new ArrayList<>();
    for (int i = 0; i < files.size(); i += settings.naiveEvery()) {
      naiveFiles.add(files.get(i));
    }
    IndexingOptions defaults = IndexingOptions.defaults(List.of(settings.folder()));
    int batch = defaults.batchSize();
    warmUp(batch);
    int rounds = settings.rounds();
    int[] threads = settings.decodeThreads();
    double[][] endToEnd = new double[threads.length][rounds];
    double[][][] diagnosis = new double[threads.length][3][rounds];
    double[] encoderOnly = new double[rounds];
    double[] encoderCpuMs = new double[rounds];
    double[] naive = new double[rounds];
    long indexed = 0;
    long naiveImages = 0;
    for (int r = 0; r < rounds; r++) {
      for (int step = 0; step < 3; step++) {
        switch ((step + r) % 3) {
          case 0 -> {
            for (int v = 0; v < threads.length; v++) {
              IndexingOptions options = withDecodeThreads(defaults, threads[v]);
              TimedEncoder encoder = new TimedEncoder(ImageEncoder.of(model));
              long[] n = new long[1];
              long t0 = System.nanoTime();
              endToEnd[v][r] = timed(() -> n[0] = indexOnce(options, encoder), n);
              long wall = System.nanoTime() - t0;
              indexed = n[0];
              diagnosis[v][0][r] = (double) encoder.nanos / wall;
              diagnosis[v][1][r] = (double) encoder.images / Math.max(1, encoder.calls);
              diagnosis[v][2][r] = encoder.images / (encoder.nanos / 1e9);
            }
          }
          case 1 -> {
            // Same image count as the pipeline; before its first round, the folder's file count.
            long n = indexed > 0 ? indexed : files.size();
            long cpu0 = processCpuNanos();
            encoderOnly[r] = timed(() -> encodeOnly(n, batch), new long[] {n});
            encoderCpuMs[r] = (processCpuNanos() - cpu0) / 1e6 / n;
          }
          default -> {
            long[] n = new long[1];
            naive[r] = timed(() -> n[0] = naiveOnce(naiveFiles), n);
            naiveImages = n[0];
          }
        }
      }
      log.accept(
          String.format(
              Locale.ROOT,
              "round %d/%d: end to end %s, encoder only %.1f, naive %.1f images/s",
              r + 1,
              rounds,
              Arrays.toString(column(endToEnd, r)),
              encoderOnly[r],
              naive[r]));
    }
    List<DecodeBenchmark.Result> large = measureLargeJpegs(files);
    PrepareCost prepare = prepareCost(files);
    List<Variant> variants = new ArrayList<>();
    for (int v = 0; v < threads.length; v++) {
      variants.add(
          new Variant(
              threads[v],
              new Throughput(indexed, median(endToEnd[v]), endToEnd[v]),
              new Diagnosis(
                  median(diagnosis[v][0]), median(diagnosis[v][1]), median(diagnosis[v][2]))));
    }
    return new Result(
        files.size(),
        variants,
        new Throughput(indexed, median(encoderOnly), encoderOnly),
        new Throughput(naiveImages, median(naive), naive),
        batch,
        large,
        prepare,
        median(encoderCpuMs));
  }

  private PrepareCost prepareCost(List<Path> files) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long hash = 0;
    long metadata = 0;
    long decode = 0;
    int shortest = model.preprocess().shortestEdge();
    for (Path file : files) {
      long t0 = threads.getCurrentThreadCpuTime();
      byte[] bytes = Files.readAllBytes(file);
      ContentHash.of(bytes);
      long t1 = threads.getCurrentThreadCpuTime();
      MetadataReader.read(bytes);
      long t2 = threads.getCurrentThreadCpuTime();
      try {
        preprocessor.preprocess(decoder.decodeDownscaled(bytes, file.toString(), shortest));
      } catch (ImageDecodeException e) {
        // skipped by the pipeline too, after the same work
      }
      long t3 = threads.getCurrentThreadCpuTime();
      hash += t1 - t0;
      metadata += t2 - t1;
      decode += t3 - t2;
    }
    double n = files.size() * 1e6;
    return new PrepareCost(files.size(), hash / n, metadata / n, decode / n);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static IndexingOptions withDecodeThreads(IndexingOptions o, int threads) {
    return new IndexingOptions(
        o.roots(),
        o.batchSize(),
        threads,
        o.includeHidden(),
        o.commitEvery(),
        o.commitInterval(),
        o.dryRun(),
        o.maxFileBytes());
  }

  private static double[] column(double[][] m, int c) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = Math.round(m[i][c] * 10) / 10.0;
    }
    return out;
  }

  private void warmUp(int batch) {
    float[] pixels = noise(batch, 7);
    model.encodeImages(pixels, batch);
    model.encodeImages(noise(1, 8), 1);
  }

  /** Indexes the folder into a fresh temporary index; returns the number of images encoded. */
  private long indexOnce(IndexingOptions options, ImageEncoder encoder)
      throws IOException, InterruptedException {
    ModelManifest manifest = BenchManifest.of(model);
    Files.createDirectories(settings.scratch());
    Path dir = Files.createTempDirectory(settings.scratch(), "index-");
    try {
      try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.forModel(manifest))) {
        IndexingSummary s =
            new ImageIndexer(encoder, store, options, decoder, Set.of(dir), IndexingListener.NONE)
                .run();
        return s.indexed();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private long encodeOnly(long images, int batch) {
    float[] full = noise(batch, 1);
    int rest = (int) (images % batch);
    float[] tail = rest == 0 ? null : noise(rest, 2);
    for (long done = 0; done + batch <= images; done += batch) {
      model.encodeImages(full, batch);
    }
    if (tail != null) {
      model.encodeImages(tail, rest);
    }
    return images;
  }

  private long naiveOnce(List<Path> files) throws IOException {
    long encoded = 0;
    for (Path file : files) {
      float[] pixels;
      try {
        byte[] bytes = Files.readAllBytes(file);
        pixels = preprocessor.preprocess(decoder.decode(bytes, file.toString()));
      } catch (ImageDecodeException e) {
        continue; // the pipeline skips these too
      }
      model.encodeImages(pixels, 1);
      encoded++;
    }
    return encoded;
  }

  private List<DecodeBenchmark.Result> measureLargeJpegs(List<Path> files) throws IOException {
    DecodeBenchmark bench =
        new DecodeBenchmark(
            model.preprocess(), settings.decodeRuns(), model.preprocess().shortestEdge());
    List<DecodeBenchmark.Result> results = new ArrayList<>();
    for (Path file : files) {
      long pixels = jpegPixels(file);
      if (pixels >= settings.minPixels()) {
        DecodeBenchmark.Result r = bench.measure(file);
        log.accept(
            String.format(
                Locale.ROOT,
                "%s %dx%d: full %.1f ms, downscaled %.1f ms CPU",
                file.getFileName(),
                r.width(),
                r.height(),
                r.exactTotalMs(),
                r.fastTotalMs()));
        results.add(r);
      }
    }
    return results;
  }

  /** Pixels of a JPEG read from its header, or 0 for anything else. */
  static long jpegPixels(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return 0;
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      while (readers.hasNext()) {
        ImageReader reader = readers.next();
        try {
          if (!reader.getFormatName().equalsIgnoreCase("jpeg")) {
            continue;
          }
          reader.setInput(in);
          return (long) reader.getWidth(0) * reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
          return 0; // not a readable JPEG header: not a 12 MP JPEG either
        } finally {
          reader.dispose();
        }
      }
      return 0;
    }
  }

  /** Regular, non-hidden files under the folder, in path order (hidden folders skipped). */
  static List<Path> listFiles(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(folder.relativize(p)))
          .sorted()
          .toList();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private float[] noise(int images, long seed) {
    int size = model.preprocess().cropSize();
    float[] pixels = new float[images * 3 * size * size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    return pixels;
  }

  /** Runs {@code body}; returns {@code count[0]} (read after the body ran) per wall second. */
  private static double timed(Body body, long[] count) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    body.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    return count[0] / seconds;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  static double median(double[] values) {
    return values.length == 0 ? Double.NaN : EncoderBenchmark.median(values);
  }

  /** Counts the pipeline's encoder calls and the time spent in them. */
  private static final class TimedEncoder implements ImageEncoder {
    private final ImageEncoder delegate;
    // Written by the pipeline's one encoder thread, read after the run has joined it.
    long nanos;
    long images;
    long calls;

    TimedEncoder(ImageEncoder delegate) {
      this.delegate = delegate;
    }

    @Override
    public PreprocessConfig preprocess() {
      return delegate.preprocess();
    }

    @Override
    public float[][] encode(float[] pixels, int count) {
      long t0 = System.nanoTime();
      float[][] out = delegate.encode(pixels, count);
      nanos += System.nanoTime() - t0;
      images += count;
      calls++;
      return out;
    }
  }

  @FunctionalInterface
  private interface Body {
    Object run() throws IOException, InterruptedException;
  }
}
