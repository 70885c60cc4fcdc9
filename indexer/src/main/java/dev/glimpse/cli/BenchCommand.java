package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.bench.BenchEncoder;
import dev.glimpse.core.bench.DecodeBenchmark;
import dev.glimpse.core.bench.EncoderBenchmark;
import dev.glimpse.core.bench.HeapBenchmark;
import dev.glimpse.core.bench.IndexBenchmark;
import dev.glimpse.core.bench.OrtPeerEncoder;
import dev.glimpse.core.bench.PeerCheck;
import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.clip.Precision;
import dev.glimpse.core.indexing.IndexingOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse bench}: speed measurements. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure speed (results go to docs/benchmarks.md).",
    subcommands = {
      BenchCommand.Encoder.class,
      BenchCommand.Index.class,
      ServeBenchCommand.class,
      CutoffBenchCommand.class
    })
final class BenchCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code glimpse bench encoder}. */
  @Command(
      name = "encoder",
      mixinStandardHelpOptions = true,
      description = {
        "Image throughput and text latency of the CLIP encoder."
            + " Without --model it writes (once) and uses a random-weight checkpoint with a real"
            + " geometry (--geometry, default ViT-B/32): speed does not depend on weight values."
            + " Several geometries are measured interleaved in one run, ratios to the first."
      })
  static final class Encoder implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin BenchModelOptions benchModel = new BenchModelOptions();

    @Option(
        names = "--batch-sizes",
        split = ",",
        paramLabel = "N[,N...]",
        defaultValue = "1,8,32",
        description = "Image batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batchSizes;

    @Option(
        names = "--rounds",
        defaultValue = "7",
        description = "Timed rounds per batch size. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
        names = "--text-runs",
        defaultValue = "200",
        description = "Timed runs per text query. Default: ${DEFAULT-VALUE}.")
    int textRuns;

    @Option(
        names = "--precisions",
        split = ",",
        paramLabel = "P[,P...]",
        defaultValue = "fp32,bf16,int8",
        converter = PrecisionOption.Converter.class,
        description =
            "Precisions to measure, interleaved in one run; the first is the baseline of the"
                + " ratios. Default: ${DEFAULT-VALUE}.")
    List<Precision> precisions;

    @Option(
        names = "--engines",
        split = ",",
        paramLabel = "E[,E...]",
        defaultValue = "onnx,onednn",
        converter = EngineOption.Converter.class,
        description =
            "Engines to measure (torch, onnx, onednn), each with every precision it runs (torch:"
                + " fp32; onnx: fp32, int8; onednn: bf16, fp32). Default: ${DEFAULT-VALUE}.")
    List<Backend> engines;

    @Option(
        names = "--peer",
        paramLabel = "DIR",
        description =
            "Also measure ONNX Runtime (default session options) on a PyTorch export of the same"
                + " weights (vision.onnx, text.onnx from scripts/peer/export_onnx.py); it becomes"
                + " the baseline of the ratios.")
    Path peer;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** Whether engine {@code e} offers precision {@code p} (auto resolves to one that does). */
    private static boolean runs(Backend e, Precision p) {
      return switch (e) {
        case TORCH -> p == Precision.FP32;
        case ONNX -> p == Precision.FP32 || p == Precision.INT8;
        case ONEDNN -> p == Precision.BF16 || p == Precision.FP32;
        case AUTO -> true;
      };
    }

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<BenchModelOptions.Named> dirs = benchModel.dirs(err);
      if (peer != null && dirs.size() > 1) {
        throw new UsageException("--peer measures one model: give one --geometry");
      }
      EncoderBenchmark.Settings settings =
          new EncoderBenchmark.Settings(batchSizes, rounds, textRuns, 1);
      EncoderBenchmark.Result r;
      List<String> summaries = new ArrayList<>();
      List<ClipModel> models = new ArrayList<>();
      List<BenchEncoder> encoders = new ArrayList<>();
      OrtPeerEncoder peerEncoder = null;
      try {
        for (BenchModelOptions.Named named : dirs) {
          ClipCheckpoint checkpoint = ClipCheckpoint.open(named.dir());
          summaries.add(
              (named.name().isEmpty() ? "" : named.name() + ": ") + checkpoint.config().summary());
          for (Backend e : engines) {
            for (Precision p : precisions) {
              if (!runs(e, p)) {
                continue;
              }
              ClipModel m = ClipModel.load(checkpoint, new ClipOptions(p, e, 0));
              models.add(m);
              encoders.add(BenchEncoder.of(named.name(), m));
            }
          }
        }
        if (models.isEmpty()) {
          throw new UsageException("no engine in --engines runs a precision in --precisions");
        }
        if (peer != null) {
          peerEncoder =
              new OrtPeerEncoder(
                  peer, models.get(0).tokenizer(), models.get(0).preprocess().cropSize());
          err.println(PeerCheck.describe(peerEncoder, models.get(0)));
          encoders.addFirst(peerEncoder);
        }
        r =
            new EncoderBenchmark(
                    encoders,
                    settings,
                    line -> {
                      err.println(line);
                      err.flush();
                    })
                .run();
      } finally {
        if (peerEncoder != null) {
          peerEncoder.close();
        }
        for (ClipModel m : models) {
          m.close();
        }
      }
      String summary = String.join("; ", summaries);
      String base = r.images().get(0).encoder();
      if (json) {
        printJson(out, summary, r);
      } else {
        out.println("model: " + summary);
        out.println(
            "engines: torch = DJL PyTorch (libtorch), onnx = ONNX Runtime, onednn = oneDNN; "
                + Runtime.getRuntime().availableProcessors()
                + " CPUs; ratios are to "
                + base);
        out.println();
        out.println("| engine, precision | batch | images/s (median of " + rounds + ") | ratio |");
        out.println("|---|---|---|---|");
        for (EncoderBenchmark.ImageResult i : r.images()) {
          double baseline = imageBaseline(r, base, i.batch());
          out.printf(
              Locale.ROOT,
              "| %s | %d | %.1f | %.2fx |%n",
              i.encoder(),
              i.batch(),
              i.medianImagesPerSecond(),
              i.medianImagesPerSecond() / baseline);
        }
        out.println();
        out.println("| engine, precision | text | tokens | p50 ms | p99 ms | p50 speed-up |");
        out.println("|---|---|---|---|---|---|");
        for (EncoderBenchmark.TextResult t : r.texts()) {
          double baseline = textBaseline(r, base, t.name());
          out.printf(
              Locale.ROOT,
              "| %s | %s | %d | %.2f | %.2f | %.2fx |%n",
              t.encoder(),
              t.name(),
              t.tokens(),
              t.p50Millis(),
              t.p99Millis(),
              baseline / t.p50Millis());
        }
        if (!r.agreement().isEmpty()) {
          out.println();
          out.println(
              "| engine, precision | against | min cosine (8 random images, 2 queries) | max abs |");
          out.println("|---|---|---|---|");
          for (EncoderBenchmark.Agreement a : r.agreement()) {
            out.printf(
                Locale.ROOT,
                "| %s | %s | %.7f | %.3g |%n",
                a.encoder(),
                a.reference(),
                a.minCosine(),
                a.maxAbs());
          }
        }
      }
      out.flush();
      return GlimpseCli.OK;
    }

    private static double imageBaseline(EncoderBenchmark.Result r, String base, int batch) {
      return r.images().stream()
          .filter(i -> i.encoder().equals(base) && i.batch() == batch)
          .findFirst()
          .orElseThrow()
          .medianImagesPerSecond();
    }

    private static double textBaseline(EncoderBenchmark.Result r, String base, String name) {
      return r.texts().stream()
          .filter(t -> t.encoder().equals(base) && t.name().equals(name))
          .findFirst()
          .orElseThrow()
          .p50Millis();
    }

    private static void printJson(PrintWriter out, String summary, EncoderBenchmark.Result r)
        throws java.io.IOException {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("model", summary);
      ArrayNode agreement = root.putArray("agreement");
      for (EncoderBenchmark.Agreement a : r.agreement()) {
        agreement
            .addObject()
            .put("encoder", a.encoder())
            .put("reference", a.reference())
            .put("minCosine", a.minCosine())
            .put("maxAbs", a.maxAbs());
      }
      root.put("cpus", Runtime.getRuntime().availableProcessors());
      ArrayNode images = root.putArray("images");
      for (EncoderBenchmark.ImageResult i : r.images()) {
        images
            .addObject()
            .put("encoder", i.encoder())
            .put("batch", i.batch())
            .put("imagesPerSecond", i.medianImagesPerSecond());
      }
      ArrayNode texts = root.putArray("texts");
      for (EncoderBenchmark.TextResult t : r.texts()) {
        texts
            .addObject()
            .put("encoder", t.encoder())
            .put("query", t.name())
            .put("tokens", t.tokens())
            .put("p50Ms", t.p50Millis())
            .put("p99Ms", t.p99Millis());
      }
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
  }

  /** {@code glimpse bench index}. */
  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      description = {
        "Indexing speed on a photo folder, in one run (rounds interleaved, medians):"
            + " the real pipeline end to end, the encoder alone on the same number of images,"
            + " and a naive one-image-at-a-time pipeline; then the decode + preprocess CPU time"
            + " of the folder's 12 MP JPEGs, full and downscaled.",
        "With --synthetic N instead: the heap while indexing N generated photos."
            + " Uses the random ViT-B/32 checkpoint of 'bench encoder' unless --model is given."
      })
  static final class Index implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "FOLDER",
        description = "Photo folder to index (required unless --synthetic is given).")
    Path folder;

    /** Its work dir's siblings also hold the synthetic photos and temporary indexes. */
    @picocli.CommandLine.Mixin BenchModelOptions benchModel = new BenchModelOptions();

    @picocli.CommandLine.Mixin PrecisionOption modelRun = new PrecisionOption();

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "Timed rounds of the three pipelines. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
        names = "--decode-runs",
        defaultValue = "5",
        description = "Timed decodes per 12 MP JPEG. Default: ${DEFAULT-VALUE}.")
    int decodeRuns;

    @Option(
        names = "--min-megapixels",
        defaultValue = "11",
        description = "JPEGs this large count as 12 MP. Default: ${DEFAULT-VALUE}.")
    double minMegapixels;

    @Option(
        names = "--naive-every",
        defaultValue = "1",
        paramLabel = "N",
        description =
            "The naive pipeline runs on every N-th file only (it is slow). Default: ${DEFAULT-VALUE}.")
    int naiveEvery;

    @Option(
        names = "--threads",
        split = ",",
        paramLabel = "N[,N...]",
        description =
            "Decode worker counts to run the pipeline with, interleaved; the first is compared"
                + " with the encoder. Default: the indexer's default (the number of CPUs).")
    int[] threads;

    @Option(
        names = "--synthetic",
        paramLabel = "N",
        description =
            "Instead: write N distinct 640x480 JPEGs (once) and report the heap while indexing"
                + " them (set -Xmx through GLIMPSE_JAVA_OPTS).")
    Integer synthetic;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (synthetic == null && folder == null) {
        throw new UsageException("give a photo FOLDER to index, or --synthetic N");
      }
      if (synthetic != null && synthetic < 1) {
        throw new UsageException("--synthetic must be positive, got " + synthetic);
      }
      if (folder != null && !Files.isDirectory(folder)) {
        throw new UsageException("folder " + folder + " does not exist or is not a folder");
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path dir = benchModel.dir(err);
      Path scratch =
          benchModel.workDir.resolveSibling(benchModel.workDir.getFileName() + "-indexes");
      try (ClipModel m = ClipModel.load(ClipCheckpoint.open(dir), modelRun.clipOptions())) {
        err.println("engine: " + m.engineDescription());
        Consumer<String> log =
            line -> {
              err.println(line);
              err.flush();
            };
        if (synthetic != null) {
          HeapBenchmark bench = new HeapBenchmark(m, log);
          Path photos = benchModel.workDir.resolveSibling("synthetic-" + synthetic);
          bench.writePhotos(photos, synthetic);
          // The last checkpoint comes after the run, with the queues drained and all committed.
          long[] checkpoints = {
            Math.min(1000, synthetic), synthetic / 2, synthetic - synthetic / 10, synthetic
          };
          HeapBenchmark.Result r = bench.run(photos, checkpoints, scratch);
          printHeap(out, m.config().summary(), r);
        } else {
          IndexBenchmark.Settings settings =
              new IndexBenchmark.Settings(
                  folder,
                  rounds,
                  decodeRuns,
                  Math.round(minMegapixels * 1e6),
                  scratch,
                  naiveEvery,
                  threads != null
                      ? threads
                      : new int[] {IndexingOptions.defaults(List.of(folder)).decodeThreads()});
          IndexBenchmark.Result r = new IndexBenchmark(m, settings, log).run();
          printIndex(out, m.config().summary(), r);
        }
      }
      out.flush();
      return GlimpseCli.OK;
    }

    private void printIndex(PrintWriter out, String summary, IndexBenchmark.Result r)
        throws IOException {
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", summary);
        root.put("folder", folder.toString());
        root.put("files", r.files());
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        root.put("batch", r.batch());
        root.put("decodeThreads", r.endToEnd().getFirst().decodeThreads());
        root.put("rounds", rounds);
        root.put("naiveEvery", naiveEvery);
        throughput(root.putObject("endToEnd"), r.mainEndToEnd());
        ArrayNode variants = root.putArray("endToEndByDecodeThreads");
        for (IndexBenchmark.Variant v : r.endToEnd()) {
          ObjectNode node = variants.addObject().put("decodeThreads", v.decodeThreads());
          throughput(node, v.throughput());
          node.put("encoderBusyShare", v.diagnosis().encoderBusyShare())
              .put("meanBatch", v.diagnosis().meanBatch())
              .put("encoderBusyImagesPerSecond", v.diagnosis().busyImagesPerSecond());
        }
        throughput(root.putObject("encoderOnly"), r.encoderOnly());
        throughput(root.putObject("naive"), r.naive());
        root.put("endToEndOverEncoderOnly", r.endToEndOverEncoder());
        root.put("endToEndOverNaive", r.endToEndOverNaive());
        root.put("encoderCpuMsPerImage", r.encoderCpuMsPerImage());
        root.putObject("prepareCpuMsPerFile")
            .put("files", r.prepare().files())
            .put("readAndHash", r.prepare().readAndHashMs())
            .put("metadata", r.prepare().metadataMs())
            .put("decodeAndPreprocess", r.prepare().decodeMs())
            .put("total", r.prepare().totalMs());
        root.put("cpuBoundEndToEndOverEncoderOnly", r.cpuBound());
        ObjectNode decode = root.putObject("largeJpegs");
        decode.put("count", r.largeJpegs().size());
        decode.put("medianFullCpuMs", r.medianExactMs());
        decode.put("medianDownscaledCpuMs", r.medianFastMs());
        ArrayNode files = decode.putArray("files");
        for (DecodeBenchmark.Result d : r.largeJpegs()) {
          files
              .addObject()
              .put("path", d.file().toString())
              .put("width", d.width())
              .put("height", d.height())
              .put("fullCpuMs", d.exactTotalMs())
              .put("downscaledCpuMs", d.fastTotalMs());
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return;
      }
      out.println("model: " + summary);
      out.printf(
          Locale.ROOT,
          "folder: %s (%d files), %d CPUs, batch %d, median of %d rounds%n%n",
          folder,
          r.files(),
          Runtime.getRuntime().availableProcessors(),
          r.batch(),
          rounds);
      out.println("| measure | value | target |");
      out.println("|---|---|---|");
      for (IndexBenchmark.Variant v : r.endToEnd()) {
        out.printf(
            Locale.ROOT,
            "| end to end (ImageIndexer + Lucene, %d decode threads) | %.1f images/s (%d images)"
                + " | |%n",
            v.decodeThreads(),
            v.throughput().medianImagesPerSecond(),
            v.throughput().images());
      }
      for (IndexBenchmark.Variant v : r.endToEnd()) {
        out.printf(
            Locale.ROOT,
            "| - with %d decode threads: encoder busy / wall, images per call, images/s while"
                + " busy | %.2f, %.1f, %.1f | |%n",
            v.decodeThreads(),
            v.diagnosis().encoderBusyShare(),
            v.diagnosis().meanBatch(),
            v.diagnosis().busyImagesPerSecond());
      }
      out.printf(
          Locale.ROOT,
          "| encoder only (batches of %d) | %.1f images/s | |%n",
          r.batch(),
          r.encoderOnly().medianImagesPerSecond());
      out.printf(
          Locale.ROOT,
          "| naive sequential (full decode, batch 1; %d images) | %.1f images/s | |%n",
          r.naive().images(),
          r.naive().medianImagesPerSecond());
      out.printf(
          Locale.ROOT, "| end to end / encoder only | %.2f | >= 0.90 |%n", r.endToEndOverEncoder());
      out.printf(Locale.ROOT, "| end to end / naive | %.2fx | >= 2x |%n", r.endToEndOverNaive());
      out.printf(
          Locale.ROOT,
          "| decode + preprocess, 12 MP JPEG, downscaled (median of %d files) | %.1f ms CPU"
              + " | <= 10 ms |%n",
          r.largeJpegs().size(),
          r.medianFastMs());
      out.printf(
          Locale.ROOT,
          "| decode + preprocess, 12 MP JPEG, full decode | %.1f ms CPU | |%n",
          r.medianExactMs());
      out.printf(
          Locale.ROOT,
          "| decode worker CPU per file, mean of %d (read+hash, metadata, decode+preprocess)"
              + " | %.1f ms (%.1f, %.1f, %.1f) | |%n",
          r.prepare().files(),
          r.prepare().totalMs(),
          r.prepare().readAndHashMs(),
          r.prepare().metadataMs(),
          r.prepare().decodeMs());
      out.printf(
          Locale.ROOT,
          "| encoder CPU per image (all threads, encoder only) | %.1f ms | |%n",
          r.encoderCpuMsPerImage());
      out.printf(
          Locale.ROOT,
          "| CPU-bound ceiling of end to end / encoder only | %.2f | |%n",
          r.cpuBound());
    }

    private static void throughput(ObjectNode node, IndexBenchmark.Throughput t) {
      node.put("images", t.images());
      node.put("imagesPerSecond", t.medianImagesPerSecond());
      ArrayNode rounds = node.putArray("rounds");
      for (double v : t.rounds()) {
        rounds.add(v);
      }
    }

    private void printHeap(PrintWriter out, String summary, HeapBenchmark.Result r)
        throws IOException {
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", summary);
        root.put("images", r.images());
        root.put("seconds", r.seconds());
        root.put("imagesPerSecond", r.imagesPerSecond());
        root.put("maxHeapBytes", r.maxHeapBytes());
        root.put("peakUsedBytes", r.peakUsedBytes());
        ArrayNode after = root.putArray("usedAfterGc");
        for (HeapBenchmark.Checkpoint c : r.afterGc()) {
          after.addObject().put("processed", c.images()).put("usedBytes", c.usedBytes());
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return;
      }
      out.println("model: " + summary);
      out.printf(
          Locale.ROOT,
          "%d synthetic 640x480 JPEGs indexed in %.0f s (%.1f images/s), max heap %d MiB,"
              + " peak used %d MiB (sampled every 100 ms)%n%n",
          r.images(),
          r.seconds(),
          r.imagesPerSecond(),
          r.maxHeapBytes() >> 20,
          r.peakUsedBytes() >> 20);
      out.println("| images processed | used heap after full GC |");
      out.println("|---|---|");
      for (HeapBenchmark.Checkpoint c : r.afterGc()) {
        out.printf(Locale.ROOT, "| %d | %.1f MiB |%n", c.images(), c.usedBytes() / 1048576.0);
      }
    }
  }
}
