package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.api.ApiConfig;
import dev.glimpse.api.SearchApp;
import dev.glimpse.api.SearchService;
import dev.glimpse.core.bench.HttpLoadGenerator;
import dev.glimpse.core.bench.LoadIndexBuilder;
import dev.glimpse.core.bench.QueryPool;
import dev.glimpse.core.bench.RecallBenchmark;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse bench serve}: load on the real search server over a large index. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Throughput, latency and KNN recall of the search service on a large index. Builds (once) an"
          + " index of --images images: real vectors for the photos of --photos and random unit"
          + " vectors for the rest, made with the random-weight ViT-B/32 (or --model). Then"
          + " measures recall@10 of the search strategies against exact search, and runs --clients"
          + " concurrent clients against 'GET /api/search' in-process: queries drawn from a pool"
          + " (some repeat, so the query cache helps) and all-distinct queries, for each text batch"
          + " bound and load model (closed loop, or paced at a fixed offered rate)."
    })
final class ServeBenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin BenchModelOptions benchModel = new BenchModelOptions();

  @picocli.CommandLine.Mixin PrecisionOption modelRun = new PrecisionOption();

  @Option(
      names = "--index-dir",
      paramLabel = "DIR",
      description = "Where the benchmark index is kept. Default: ${DEFAULT-VALUE}.",
      defaultValue = "${sys:java.io.tmpdir}/glimpse-bench/index-100k")
  Path indexDir;

  @Option(names = "--photos", paramLabel = "DIR", description = "Real photos to index first.")
  Path photos;

  @Option(
      names = "--images",
      defaultValue = "100000",
      description = "Images in the index. Default: ${DEFAULT-VALUE}.")
  int images;

  @Option(
      names = "--hnsw-m",
      defaultValue = "16",
      description = "HNSW connections per node. Default: ${DEFAULT-VALUE}.")
  int hnswM;

  @Option(
      names = "--hnsw-beam",
      defaultValue = "100",
      description = "HNSW build beam width. Default: ${DEFAULT-VALUE}.")
  int hnswBeam;

  @Option(
      names = "--vectors",
      defaultValue = "UNIFORM",
      description =
          "Synthetic vectors: UNIFORM (normalised Gaussians, no structure) or CLUSTERED (around"
              + " 2000 random centres). Default: ${DEFAULT-VALUE}.")
  LoadIndexBuilder.Vectors vectors;

  @Option(
      names = "--merge",
      description = "Force-merge the benchmark index into one segment (one HNSW graph).")
  boolean merge;

  @Option(
      names = "--clients",
      defaultValue = "8",
      description = "Concurrent clients. Default: ${DEFAULT-VALUE}.")
  int clients;

  /** Measured seconds when neither {@code --seconds} nor {@code --requests} is given. */
  private static final int DEFAULT_SECONDS = 60;

  @Option(
      names = "--seconds",
      description = "Measured seconds per load run. Default: 60, unless --requests is given.")
  Integer seconds;

  @Option(
      names = "--requests",
      paramLabel = "N",
      description =
          "Measure exactly N requests per load run instead of a timed window: a closed loop's"
              + " clients share them, a paced run schedules N sends (N / rate seconds).")
  Integer requests;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "10",
      description = "Warm-up seconds per load run (not counted). Default: ${DEFAULT-VALUE}.")
  int warmupSeconds;

  @Option(
      names = "--pool",
      defaultValue = "2000",
      description = "Distinct queries in the repeated-query pool. Default: ${DEFAULT-VALUE}.")
  int pool;

  @Option(
      names = "--recall-queries",
      defaultValue = "200",
      description =
          "Query vectors for recall@10 (half text, half random). Default: ${DEFAULT-VALUE}.")
  int recallQueries;

  @Option(
      names = "--candidates",
      split = ",",
      defaultValue = "-1,0,100,1600",
      paramLabel = "N[,N...]",
      description =
          "Search strategies for recall: HNSW candidate counts, 0 for the server's default, -1"
              + " for a float exact scan. Default: ${DEFAULT-VALUE}.")
  int[] candidates;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "pool,distinct",
      paramLabel = "MODE[,MODE...]",
      description =
          "Query modes: pool (drawn from --pool queries), distinct. Default: ${DEFAULT-VALUE}.")
  List<String> modes;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "0,16",
      paramLabel = "N[,N...]",
      description =
          "Server text batch bounds to compare (0: no batching; -1: the server's default, by"
              + " engine). Default: ${DEFAULT-VALUE}.")
  int[] batchSizes;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "0",
      paramLabel = "QPS[,QPS...]",
      description = {
        "Load models to run: 0 for a closed loop (each client sends its next query as soon as the"
            + " last answer arrived: saturation throughput), or a total offered rate in requests"
            + " per second, paced over the clients on a fixed schedule, latency measured from each"
            + " request's scheduled send time. Default: ${DEFAULT-VALUE}."
      })
  double[] rates;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  /** One load run. */
  record Run(
      String mode,
      int textBatchSize,
      double rate,
      HttpLoadGenerator.Result load,
      SearchService.TextStats text,
      boolean queriesWrapped) {
    double hitRate() {
      long lookups = text.cacheHits() + text.cacheMisses();
      return lookups == 0 ? Double.NaN : (double) text.cacheHits() / lookups;
    }

    double meanBatch() {
      return text.encoderCalls() == 0 ? 0 : (double) text.textsEncoded() / text.encoderCalls();
    }

    double encoderMsPerCall() {
      return text.encoderCalls() == 0 ? 0 : text.encoderSeconds() * 1000 / text.encoderCalls();
    }
  }

  @Override
  public Integer call() throws Exception {
    for (String m : modes) {
      if (!m.equals("pool") && !m.equals("distinct") && !m.equals("none")) {
        throw new UsageException("--modes takes pool, distinct or none, got " + m);
      }
    }
    for (double r : rates) {
      if (!(r >= 0 && r <= 100_000)) {
        throw new UsageException("--rates takes 0 (closed loop) or up to 100000 QPS, got " + r);
      }
    }
    if (seconds != null && requests != null) {
      throw new UsageException("give --seconds or --requests, not both");
    }
    if (images < 1
        || clients < 1
        || (seconds != null && seconds < 1)
        || (requests != null && requests < 1)
        || warmupSeconds < 0
        || pool < 1) {
      throw new UsageException(
          "--images, --clients, --seconds, --requests and --pool must be positive,"
              + " --warmup-seconds >= 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    System.setProperty("java.awt.headless", "true");
    Path dir = benchModel.dir(err);
    String load = uptime();
    try (ClipModel m = ClipModel.load(ClipCheckpoint.open(dir), modelRun.clipOptions())) {
      err.println("engine: " + m.engineDescription());
      ModelManifest manifest =
          new ModelManifest(
              dir.toString(),
              Optional.empty(),
              m.dimension(),
              m.preprocess().describe(),
              m.engineDescription());
      LoadIndexBuilder.Result built =
          new LoadIndexBuilder(m, manifest, line -> log(err, line))
              .build(
                  new LoadIndexBuilder.Settings(
                      indexDir,
                      Optional.ofNullable(photos),
                      images,
                      hnswM,
                      hnswBeam,
                      7,
                      merge,
                      vectors));
      List<String> queries = QueryPool.generate(pool + 40_000, 11);
      List<String> repeated = queries.subList(0, pool);
      List<String> distinct = queries.subList(pool, queries.size());
      RecallBenchmark.Result recall;
      List<Run> runs = new ArrayList<>();
      try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
        recall = recall(store, m, distinct, err);
        for (String mode : modes) {
          if (mode.equals("none")) {
            continue;
          }
          for (int batch : batchSizes) {
            for (double rate : rates) {
              runs.add(loadRun(store, m, mode, batch, rate, repeated, distinct, err));
            }
          }
        }
      }
      String loadAfter = uptime();
      if (json) {
        printJson(out, m, built, recall, runs, load, loadAfter);
      } else {
        printTables(out, m, built, recall, runs, load, loadAfter);
      }
    }
    out.flush();
    return GlimpseCli.OK;
  }

  private RecallBenchmark.Result recall(
      LuceneVectorStore store, ClipModel m, List<String> texts, PrintWriter err) throws Exception {
    List<float[]> vectors = new ArrayList<>();
    int fromText = recallQueries / 2;
    // the last distinct queries: the load runs reach them last, if ever
    List<String> picked = texts.subList(texts.size() - fromText, texts.size());
    for (int i = 0; i < picked.size(); i += 16) {
      for (float[] v : m.encodeTexts(picked.subList(i, Math.min(picked.size(), i + 16)))) {
        vectors.add(v);
      }
    }
    SplittableRandom random = new SplittableRandom(99);
    while (vectors.size() < recallQueries) {
      vectors.add(LoadIndexBuilder.randomUnitVector(m.dimension(), random));
    }
    log(err, "recall@10 over " + vectors.size() + " queries ...");
    RecallBenchmark.Result r =
        RecallBenchmark.run(store, vectors, 10, candidates, line -> log(err, line));
    for (RecallBenchmark.Point p : r.points()) {
      log(
          err,
          String.format(
              Locale.ROOT,
              "%s: recall@10 %.4f (min %.1f), search p50 %.2f ms p99 %.2f ms",
              strategy(p.minCandidates()),
              p.meanRecall(),
              p.minRecall(),
              p.p50Millis(),
              p.p99Millis()));
    }
    return r;
  }

  private Run loadRun(
      LuceneVectorStore store,
      ClipModel m,
      String mode,
      int batch,
      double rate,
      List<String> repeated,
      List<String> distinct,
      PrintWriter err)
      throws Exception {
    // The synthetic entries of a bench index have no files; checking them would hide every one.
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty())
            .withTextBatchSize(batch)
            .withFileChecks(false);
    SearchService service = new SearchService(store, m, config);
    Javalin app = SearchApp.create(service, config);
    app.start("127.0.0.1", 0);
    try {
      AtomicInteger next = new AtomicInteger();
      AtomicInteger wraps = new AtomicInteger();
      HttpLoadGenerator.QuerySource source =
          mode.equals("pool")
              ? r -> repeated.get(r.nextInt(repeated.size()))
              : r -> {
                int i = next.getAndIncrement();
                if (i >= distinct.size()) {
                  wraps.incrementAndGet();
                }
                return distinct.get(i % distinct.size());
              };
      AtomicReference<SearchService.TextStats> before = new AtomicReference<>();
      log(
          err,
          String.format(
              Locale.ROOT,
              "load: %s queries, text batch %d, %s, %d clients, %d s warm-up + %s ...",
              mode,
              batch,
              loadModel(rate),
              clients,
              warmupSeconds,
              measured()));
      HttpLoadGenerator.Result result =
          new HttpLoadGenerator(
                  rate == 0
                      ? HttpLoadGenerator.Settings.closedLoop(
                          clients, Duration.ofSeconds(warmupSeconds), span(), 20)
                      : HttpLoadGenerator.Settings.paced(
                          clients, Duration.ofSeconds(warmupSeconds), span(), 20, rate))
              .run(
                  URI.create("http://127.0.0.1:" + app.port()),
                  source,
                  () -> before.set(service.textStats()),
                  5);
      Run run =
          new Run(
              mode, batch, rate, result, service.textStats().minus(before.get()), wraps.get() > 0);
      log(
          err,
          String.format(
              Locale.ROOT,
              "  %.1f QPS, p50 %.1f ms, p99 %.1f ms, %d errors, %d missed, cache hits %.0f%%,"
                  + " mean batch %.2f",
              result.qps(),
              result.percentile(50),
              result.percentile(99),
              result.errors(),
              result.missed(),
              run.hitRate() * 100,
              run.meanBatch()));
      return run;
    } finally {
      app.stop();
    }
  }

  private void printTables(
      PrintWriter out,
      ClipModel m,
      LoadIndexBuilder.Result built,
      RecallBenchmark.Result recall,
      List<Run> runs,
      String loadBefore,
      String loadAfter) {
    out.println("model: " + m.config().summary() + "; engine " + m.backend().label());
    out.printf(
        Locale.ROOT,
        "index: %d images (%d real, synthetic %s), %d segment(s), HNSW M=%d beam=%d; %s%n",
        built.images(),
        built.real(),
        vectors.name().toLowerCase(Locale.ROOT),
        built.segments(),
        hnswM,
        hnswBeam,
        built.reused()
            ? "built earlier"
            : String.format(
                Locale.ROOT,
                "built in %.1f s (real photos %.1f s, synthetic %.1f s, merge %.1f s)",
                built.realSeconds() + built.syntheticSeconds() + built.mergeSeconds(),
                built.realSeconds(),
                built.syntheticSeconds(),
                built.mergeSeconds()));
    out.println(
        "clients: "
            + clients
            + ", k=20, "
            + warmupSeconds
            + " s warm-up + "
            + measured()
            + " measured; query pool "
            + pool);
    out.println("load average: before " + loadBefore + "; after " + loadAfter);
    out.println();
    out.println(
        "| queries | text batch | load | QPS | p50 ms | p90 ms | p99 ms | max ms | errors |"
            + " requests | missed | cache hits | encoder calls | mean batch | ms per encoder call |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Run r : runs) {
      HttpLoadGenerator.Result l = r.load();
      out.printf(
          Locale.ROOT,
          "| %s%s | %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %.1f%% | %d | %.2f"
              + " | %.1f |%n",
          r.mode(),
          r.queriesWrapped() ? " (wrapped)" : "",
          r.textBatchSize() == 0
              ? "off"
              : r.textBatchSize() < 0 ? "auto" : "<= " + r.textBatchSize(),
          loadModel(r.rate()),
          l.qps(),
          l.percentile(50),
          l.percentile(90),
          l.percentile(99),
          l.maxMillis(),
          l.errors(),
          l.requests(),
          l.missed(),
          r.hitRate() * 100,
          r.text().encoderCalls(),
          r.meanBatch(),
          r.encoderMsPerCall());
    }
    if (runs.stream().anyMatch(r -> r.load().errors() > 0)) {
      runs.stream()
          .filter(r -> r.load().errors() > 0)
          .forEach(r -> out.println("first error (" + r.mode() + "): " + r.load().firstError()));
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "recall@%d of HNSW vs exact search over %d vectors, %d queries:%n%n",
        recall.k(),
        recall.vectors(),
        recall.queries());
    out.println(
        "| search strategy | mean recall@10 | min recall@10 | search p50 ms | search p99 ms |");
    out.println("|---|---|---|---|---|");
    for (RecallBenchmark.Point p : recall.points()) {
      out.printf(
          Locale.ROOT,
          "| %s | %.4f | %.1f | %.2f | %.2f |%n",
          strategy(p.minCandidates()),
          p.meanRecall(),
          p.minRecall(),
          p.p50Millis(),
          p.p99Millis());
    }
    out.printf(
        Locale.ROOT,
        "%nexact search (brute force over vectors in memory, one thread): p50 %.2f ms%n",
        recall.exactP50Millis());
  }

  private void printJson(
      PrintWriter out,
      ClipModel m,
      LoadIndexBuilder.Result built,
      RecallBenchmark.Result recall,
      List<Run> runs,
      String loadBefore,
      String loadAfter)
      throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("model", m.config().summary());
    root.put("engine", m.backend().label());
    root.put("cpus", Runtime.getRuntime().availableProcessors());
    root.put("loadAverageBefore", loadBefore);
    root.put("loadAverageAfter", loadAfter);
    ObjectNode index = root.putObject("index");
    index.put("images", built.images());
    index.put("realImages", built.real());
    index.put("syntheticVectors", vectors.name().toLowerCase(Locale.ROOT));
    index.put("segments", built.segments());
    index.put("reused", built.reused());
    if (!built.reused()) {
      index.put("realSeconds", built.realSeconds());
      index.put("syntheticSeconds", built.syntheticSeconds());
      index.put("mergeSeconds", built.mergeSeconds());
    }
    index.put("hnswM", hnswM);
    index.put("hnswBeam", hnswBeam);
    root.put("clients", clients);
    root.put("k", 20);
    root.put("warmupSeconds", warmupSeconds);
    if (requests != null) {
      root.put("requests", requests);
    } else {
      root.put("seconds", seconds == null ? DEFAULT_SECONDS : seconds);
    }
    root.put("queryPool", pool);
    ArrayNode loads = root.putArray("runs");
    for (Run r : runs) {
      HttpLoadGenerator.Result l = r.load();
      ObjectNode n = loads.addObject();
      n.put("queries", r.mode());
      n.put("queriesWrapped", r.queriesWrapped());
      n.put("textBatchSize", r.textBatchSize());
      n.put("load", r.rate() == 0 ? "closed loop" : "paced");
      if (r.rate() > 0) {
        n.put("offeredQps", r.rate());
        n.put("missed", l.missed());
      }
      n.put("qps", l.qps());
      n.put("p50Ms", l.percentile(50));
      n.put("p90Ms", l.percentile(90));
      n.put("p99Ms", l.percentile(99));
      n.put("maxMs", l.maxMillis());
      n.put("requests", l.requests());
      n.put("errors", l.errors());
      n.put("firstError", l.firstError());
      n.put("cacheHitRate", r.hitRate());
      n.put("encoderCalls", r.text().encoderCalls());
      n.put("textsEncoded", r.text().textsEncoded());
      n.put("encoderSeconds", r.text().encoderSeconds());
    }
    ObjectNode rec = root.putObject("recall");
    rec.put("k", recall.k());
    rec.put("queries", recall.queries());
    rec.put("vectors", recall.vectors());
    rec.put("exactSearchP50Ms", recall.exactP50Millis());
    ArrayNode points = rec.putArray("points");
    for (RecallBenchmark.Point p : recall.points()) {
      points
          .addObject()
          .put("candidates", p.minCandidates())
          .put("meanRecall", p.meanRecall())
          .put("minRecall", p.minRecall())
          .put("searchP50Ms", p.p50Millis())
          .put("searchP99Ms", p.p99Millis());
    }
    out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }

  /** What each load run measures: {@code --requests}, else {@code --seconds}. */
  private HttpLoadGenerator.Span span() {
    return requests != null
        ? new HttpLoadGenerator.Span.Counted(requests)
        : new HttpLoadGenerator.Span.Timed(
            Duration.ofSeconds(seconds == null ? DEFAULT_SECONDS : seconds));
  }

  private String measured() {
    return switch (span()) {
      case HttpLoadGenerator.Span.Counted c -> c.requests() + " requests";
      case HttpLoadGenerator.Span.Timed t -> t.duration().toSeconds() + " s";
    };
  }

  /** How a {@code --rates} value loads. */
  static String loadModel(double rate) {
    return rate == 0
        ? "closed loop"
        : String.format(Locale.ROOT, "paced %s/s", rate == Math.rint(rate) ? (long) rate : rate);
  }

  /** How a {@code --candidates} value searches. */
  static String strategy(int candidates) {
    return switch (candidates) {
      case LuceneVectorStore.AUTO_STRATEGY -> "default (int8 exact scan + float rescoring)";
      case LuceneVectorStore.FLOAT_EXACT_STRATEGY -> "float exact scan";
      default -> "HNSW, " + candidates + " candidates";
    };
  }

  /** The load averages from /proc/loadavg, or "unknown". */
  private static String uptime() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", -1);
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static void log(PrintWriter err, String line) {
    err.println(line);
    err.flush();
  }
}
