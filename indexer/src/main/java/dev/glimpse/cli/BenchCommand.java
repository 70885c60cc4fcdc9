package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.bench.EncoderBenchmark;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.clip.DType;
import dev.glimpse.core.clip.Precision;
import dev.glimpse.core.clip.SyntheticCheckpoint;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse bench}: speed measurements. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure speed (results go to docs/benchmarks.md).",
    subcommands = {BenchCommand.Encoder.class, ServeBenchCommand.class})
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
        "Image throughput and text latency of the CLIP encoder.",
        "Without --model it writes (once) and uses a random-weight checkpoint with the real",
        "ViT-B/32 geometry: speed does not depend on weight values."
      })
  static final class Encoder implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Benchmark this model directory.")
    Path model;

    @Option(
        names = "--work-dir",
        paramLabel = "DIR",
        description = "Where the random ViT-B/32 checkpoint is kept. Default: ${DEFAULT-VALUE}.",
        defaultValue = "${sys:java.io.tmpdir}/glimpse-bench/vit-b-32-random")
    Path workDir;

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
        defaultValue = "fp32,bf16",
        converter = PrecisionOption.Converter.class,
        description =
            "Precisions to measure, interleaved in one run; the first is the baseline of the"
                + " ratios. Default: ${DEFAULT-VALUE}.")
    List<Precision> precisions;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Path dir = model;
      if (dir == null) {
        dir = workDir;
        if (!Files.isRegularFile(dir.resolve("open_clip_model.safetensors"))) {
          err.println("writing a random-weight ViT-B/32 checkpoint to " + dir + " ...");
          err.flush();
          SyntheticCheckpoint.write(dir, SyntheticCheckpoint.VIT_B_32, 42, DType.F16);
        }
      }
      EncoderBenchmark.Settings settings =
          new EncoderBenchmark.Settings(batchSizes, rounds, textRuns, 1);
      EncoderBenchmark.Result r;
      String summary;
      List<ClipModel> models = new ArrayList<>();
      try {
        for (Precision p : precisions) {
          models.add(ClipModel.load(ClipCheckpoint.open(dir), new ClipOptions(p)));
        }
        summary = models.get(0).config().summary();
        r =
            new EncoderBenchmark(
                    models,
                    settings,
                    line -> {
                      err.println(line);
                      err.flush();
                    })
                .run();
      } finally {
        for (ClipModel m : models) {
          m.close();
        }
      }
      String base = r.images().get(0).precision();
      if (json) {
        printJson(out, summary, r);
      } else {
        out.println("model: " + summary);
        out.println(
            "engine: DJL PyTorch, "
                + Runtime.getRuntime().availableProcessors()
                + " CPUs; ratios are to "
                + base);
        out.println();
        out.println("| precision | batch | images/s (median of " + rounds + ") | ratio |");
        out.println("|---|---|---|---|");
        for (EncoderBenchmark.ImageResult i : r.images()) {
          double baseline = imageBaseline(r, base, i.batch());
          out.printf(
              Locale.ROOT,
              "| %s | %d | %.1f | %.2fx |%n",
              i.precision(),
              i.batch(),
              i.medianImagesPerSecond(),
              i.medianImagesPerSecond() / baseline);
        }
        out.println();
        out.println("| precision | text | tokens | p50 ms | p99 ms | p50 speed-up |");
        out.println("|---|---|---|---|---|---|");
        for (EncoderBenchmark.TextResult t : r.texts()) {
          double baseline = textBaseline(r, base, t.name());
          out.printf(
              Locale.ROOT,
              "| %s | %s | %d | %.2f | %.2f | %.2fx |%n",
              t.precision(),
              t.name(),
              t.tokens(),
              t.p50Millis(),
              t.p99Millis(),
              baseline / t.p50Millis());
        }
      }
      out.flush();
      return GlimpseCli.OK;
    }

    private static double imageBaseline(EncoderBenchmark.Result r, String base, int batch) {
      return r.images().stream()
          .filter(i -> i.precision().equals(base) && i.batch() == batch)
          .findFirst()
          .orElseThrow()
          .medianImagesPerSecond();
    }

    private static double textBaseline(EncoderBenchmark.Result r, String base, String name) {
      return r.texts().stream()
          .filter(t -> t.precision().equals(base) && t.name().equals(name))
          .findFirst()
          .orElseThrow()
          .p50Millis();
    }

    private static void printJson(PrintWriter out, String summary, EncoderBenchmark.Result r)
        throws java.io.IOException {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("model", summary);
      root.put("engine", "djl-pytorch");
      root.put("cpus", Runtime.getRuntime().availableProcessors());
      ArrayNode images = root.putArray("images");
      for (EncoderBenchmark.ImageResult i : r.images()) {
        images
            .addObject()
            .put("precision", i.precision())
            .put("batch", i.batch())
            .put("imagesPerSecond", i.medianImagesPerSecond());
      }
      ArrayNode texts = root.putArray("texts");
      for (EncoderBenchmark.TextResult t : r.texts()) {
        texts
            .addObject()
            .put("precision", t.precision())
            .put("query", t.name())
            .put("tokens", t.tokens())
            .put("p50Ms", t.p50Millis())
            .put("p99Ms", t.p99Millis());
      }
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
  }
}
