package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.image.PreprocessConfig;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexException;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.Quantization;
import dev.glimpse.core.indexing.FolderWatcher;
import dev.glimpse.core.indexing.GenerationSwitch;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingOptions;
import dev.glimpse.core.indexing.IndexingSummary;
import dev.glimpse.core.indexing.SkipReason;
import dev.glimpse.core.indexing.SkippedFile;
import dev.glimpse.core.indexing.WatchConfig;
import dev.glimpse.core.indexing.WatchListener;
import dev.glimpse.core.indexing.WritableIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse index}: photo folders into the Lucene HNSW index, incrementally. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Index photo folders (recursively). Re-runs only encode new and changed photos, reuse the"
          + " vectors of moved or copied ones, and drop photos whose files are gone. Safe to"
          + " interrupt: work is committed every --commit-every images and --commit-seconds"
          + " seconds.",
      "With --watch, keeps watching the folders afterwards and indexes changes as they happen"
          + " (until SIGTERM or Ctrl-C)."
    })
final class IndexCommand implements Callable<Integer> {
  /** The input size of the default model, for a dry run that has no index to ask. */
  private static final int DEFAULT_INPUT_SIZE = 224;

  private static final java.util.regex.Pattern CLIP_SIZE =
      java.util.regex.Pattern.compile("clip\\((\\d{1,5})\\)");

  /** What a dry run reports as its encoder: it loads none. */
  static final String DRY_RUN_ENCODER = "none (dry run)";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Parameters(
      arity = "0..*",
      paramLabel = "DIR",
      description =
          "Photo folders to index, added to the index's roots (default: re-index the roots the"
              + " index remembers).")
  List<Path> roots = List.of();

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Images per encoder batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Decode workers (default: the number of CPUs).")
  Integer threads;

  @Option(
      names = "--quantize",
      defaultValue = "none",
      paramLabel = "none|int8",
      description = "Vector storage in the HNSW graph (default ${DEFAULT-VALUE}).")
  String quantize;

  @Option(
      names = "--hnsw-m",
      defaultValue = "16",
      description = "HNSW connections per node (default ${DEFAULT-VALUE}).")
  int hnswM;

  @Option(
      names = "--hnsw-beam",
      defaultValue = "100",
      description = "HNSW build beam width (default ${DEFAULT-VALUE}).")
  int hnswBeam;

  @Option(
      names = "--reindex",
      description = {
        "Re-encode everything (e.g. with another --model; default: the index's own model) into a"
            + " new generation built beside the current one, which keeps serving until the new one"
            + " is complete and replaces it atomically. Resumable: re-run after an interruption."
      })
  boolean reindex;

  @Option(names = "--dry-run", description = "Only report what would change.")
  boolean dryRun;

  @Option(
      names = "--include-hidden",
      negatable = true,
      description =
          "Also index hidden files and folders (default: as the index remembers, else no).")
  Boolean includeHidden;

  @Option(
      names = "--commit-every",
      defaultValue = "500",
      description = "Commit after this many images (default ${DEFAULT-VALUE}).")
  int commitEvery;

  @Option(
      names = "--commit-seconds",
      defaultValue = "30",
      description = "Commit at least this often (default ${DEFAULT-VALUE}).")
  int commitSeconds;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description =
          "Skip images with more pixels (checked before decoding; default: as the index"
              + " remembers, else 100000000).")
  Long maxPixels;

  @Option(
      names = "--watch",
      description =
          "After the run, keep watching the folders and index new, changed, moved and deleted"
              + " photos as they happen, until SIGTERM or Ctrl-C.")
  boolean watch;

  @Mixin WatchOptions watchOptions = new WatchOptions();

  @Option(
      names = "--json",
      description = "Print the summary as JSON (every skipped file included).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    for (Path r : roots) {
      if (!Files.isDirectory(r)) {
        throw new UsageException("folder " + r + " does not exist or is not a folder");
      }
    }
    if (watch && dryRun) {
      throw new UsageException("--watch and --dry-run cannot be combined");
    }
    WatchConfig watchConfig = watch ? watchOptions.config() : null;
    Quantization quantization = parseQuantization(quantize);
    int decodeThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (decodeThreads < 1
        || batch < 1
        || commitEvery < 1
        || commitSeconds < 1
        || (maxPixels != null && maxPixels < 1)) {
      throw new UsageException(
          "--threads, --batch, --commit-every, --commit-seconds and --max-pixels must be positive");
    }
    Map<String, String> env = GlimpseCli.root(spec).environment();
    PrintWriter err = spec.commandLine().getErr();
    Path indexDir = IndexLocation.resolve(index, env);
    IndexHome home = IndexHome.at(indexDir);
    Optional<IndexHome.Generation> current = home.current();
    IndexOption.Recorded inIndex = IndexOption.recorded(indexDir);
    Optional<ModelManifest> recorded = inIndex.model();
    String modelId = chooseModel(recorded, indexDir);
    RememberedSettings remembered =
        RememberedSettings.resolve(inIndex.settings(), roots, includeHidden, maxPixels, indexDir);
    remembered.notes().forEach(n -> err.println("glimpse: note: " + n));
    IndexingOptions options =
        new IndexingOptions(
            remembered.walk(),
            batch,
            decodeThreads,
            remembered.settings().includeHidden(),
            commitEvery,
            Duration.ofSeconds(commitSeconds),
            dryRun,
            IndexingOptions.DEFAULT_MAX_FILE_BYTES);
    if (dryRun) {
      return dryRun(indexDir, recorded, options, remembered, err);
    }
    // The model loads before anything is written: a typo, an unsupported model or no network
    // leave the index as it was. Adding to an existing index takes exactly the weights it was
    // built with.
    ModelOptions.Loaded loaded =
        recorded.isPresent() && !reindex
            ? ModelOptions.loadRecorded(recorded.get(), modelOptions.clipOptions(), err, env)
            : ModelOptions.load(modelId, modelOptions.clipOptions(), err, env);
    try (var model = loaded.model()) {
      ModelManifest manifest =
          loaded.manifest(
              recorded
                  .filter(m -> !reindex)
                  .map(ModelManifest::modelId)
                  .orElse(loaded.canonicalId()),
              model.dimension(),
              model.preprocess().describe(),
              model.engineDescription());
      IndexConfig config =
          IndexConfig.forModel(manifest).withHnsw(hnswM, hnswBeam).withQuantization(quantization);
      IndexRun run =
          new IndexRun(ImageEncoder.of(model), options, remembered.settings(), indexDir, err);
      IndexingSummary summary;
      Optional<String> switched = Optional.empty();
      if (reindex && current.isPresent()) {
        GenerationSwitch.Result r;
        try {
          r = new GenerationSwitch(home).rebuild(config, run::into);
        } catch (IOException e) {
          throw new IndexException(
              e.getMessage()
                  + " (the current index is untouched and still serves; run the same --reindex"
                  + " again to resume the switch)",
              e);
        }
        summary = r.summary();
        switched = Optional.of(r.describe());
      } else {
        home.pending()
            .ifPresent(
                p ->
                    err.println(
                        "note: a switch to model "
                            + p.modelId()
                            + " is unfinished (generation "
                            + p.generation().name()
                            + "); run glimpse index --reindex --model "
                            + p.modelId()
                            + " to finish it"));
        summary = run.into(home.createIfMissing().dir(), config);
      }
      print(summary, indexDir, model.engineDescription(), remembered, switched);
      if (watch) {
        watch(
            new FolderWatcher(
                WritableIndex.current(home, config),
                ImageEncoder.of(model),
                options,
                new ImageDecoder(remembered.settings().maxPixels(), true),
                Set.of(indexDir),
                watchConfig,
                WatchListener.NONE),
            options.roots().size());
      }
    } finally {
      closed.countDown();
    }
    return GlimpseCli.OK;
  }

  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * Runs the watcher until SIGTERM or Ctrl-C (a shutdown hook closes it, then waits, bounded, for
   * the model to be closed) or until this thread is interrupted.
   */
  private void watch(FolderWatcher watcher, int folders) throws IOException {
    Thread hook =
        new Thread(
            () -> {
              watcher.close();
              try {
                closed.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "glimpse-watch-shutdown");
    try (watcher) {
      watcher.start();
      Runtime.getRuntime().addShutdownHook(hook);
      PrintWriter status = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
      status.println("watching " + folders + " folder(s) for changes (Ctrl-C to stop)");
      status.flush();
      try {
        watcher.await();
      } catch (InterruptedException e) {
        // Stopped in-process (tests, embedding): the watcher closes on the way out.
        Runtime.getRuntime().removeShutdownHook(hook);
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Counts what the run would do without loading the model or creating anything: an existing index
   * is opened read-only (none is read under --reindex, which would discard it), and JPEGs are
   * downscaled for the size the index records (its model's input size), else the default model's.
   */
  private int dryRun(
      Path indexDir,
      Optional<ModelManifest> recorded,
      IndexingOptions options,
      RememberedSettings remembered,
      PrintWriter err)
      throws IOException, InterruptedException, UsageException {
    boolean readIndex = !reindex && IndexOption.exists(indexDir);
    int size =
        recorded
            .filter(m -> readIndex)
            .flatMap(m -> inputSize(m.preprocess()))
            .orElse(DEFAULT_INPUT_SIZE);
    IndexingSummary summary;
    try (LuceneVectorStore store = readIndex ? IndexOption.openExisting(indexDir) : null) {
      ProgressPrinter progress = new ProgressPrinter(err, Terminal.stderrIsTerminal());
      summary =
          ImageIndexer.dryRun(
                  Optional.ofNullable(store),
                  options,
                  new ImageDecoder(remembered.settings().maxPixels(), true),
                  PreprocessConfig.clip(size),
                  Set.of(indexDir),
                  progress)
              .run();
      progress.finish();
    }
    print(summary, indexDir, DRY_RUN_ENCODER, remembered, Optional.empty());
    return GlimpseCli.OK;
  }

  /** The input size in a manifest's preprocessing description ({@code clip(224)}), if any. */
  private static Optional<Integer> inputSize(String preprocess) {
    java.util.regex.Matcher m = CLIP_SIZE.matcher(preprocess);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  private String chooseModel(Optional<ModelManifest> recorded, Path indexDir)
      throws UsageException {
    Optional<String> given = modelOptions.explicit();
    if (recorded.isEmpty()) {
      return given.orElse(ModelOptions.DEFAULT_MODEL);
    }
    String indexed = recorded.get().modelId();
    if (reindex) {
      return given.orElse(indexed);
    }
    if (given.isPresent() && !sameModel(given.get(), indexed)) {
      throw new UsageException(
          "the index at "
              + indexDir
              + " holds vectors of model "
              + indexed
              + "; refusing to add vectors of "
              + given.get()
              + ". Leave out --model to use the index's model, or add --reindex to re-encode"
              + " everything with the new one");
    }
    return indexed;
  }

  private static boolean sameModel(String given, String indexed) {
    if (given.equals(indexed)) {
      return true;
    }
    Path p = Path.of(given);
    return Files.isDirectory(p) && p.toAbsolutePath().normalize().toString().equals(indexed);
  }

  private static Quantization parseQuantization(String value) throws UsageException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> Quantization.NONE;
      case "int8" -> Quantization.INT8;
      default -> throw new UsageException("--quantize must be none or int8, not " + value);
    };
  }

  private void print(
      IndexingSummary s,
      Path indexDir,
      String encoder,
      RememberedSettings remembered,
      Optional<String> switched)
      throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("index", indexDir.toString());
      root.put("dryRun", s.dryRun());
      root.put("indexed", s.indexed());
      root.put("unchanged", s.unchanged());
      root.put("reused", s.reused());
      root.put("removed", s.removed());
      ObjectNode skipped = root.putObject("skipped");
      for (SkipReason r : SkipReason.values()) {
        Long n = s.skipped().get(r);
        if (n != null) {
          skipped.put(r.label(), n);
        }
      }
      ArrayNode files = root.putArray("skippedFiles");
      for (SkippedFile f : s.skippedFiles()) {
        files
            .addObject()
            .put("path", f.path())
            .put("reason", f.reason().label())
            .put("detail", f.detail());
      }
      root.put("seconds", s.elapsed().toMillis() / 1e3);
      root.put("imagesPerSecond", s.imagesPerSecond());
      root.put("encoder", encoder);
      root.set("remembered", mapper.valueToTree(remembered.applied()));
      switched.ifPresent(g -> root.put("switched", g));
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      out.printf(
          Locale.ROOT,
          "%s%d indexed, %d unchanged, %d reused, %d removed, %d skipped in %.1f s"
              + " (%.1f images/s, %s)%n",
          s.dryRun() ? "dry run: would have " : "",
          s.indexed(),
          s.unchanged(),
          s.reused(),
          s.removed(),
          s.skippedTotal(),
          s.elapsed().toMillis() / 1e3,
          s.imagesPerSecond(),
          encoder);
      if (!s.skipped().isEmpty()) {
        List<String> parts = new ArrayList<>();
        s.skipped().forEach((r, n) -> parts.add(r.label() + " " + n));
        out.println("skipped: " + String.join(", ", parts));
        Stream<SkippedFile> shown = s.skippedFiles().stream().limit(20);
        shown.forEach(f -> out.println("  " + f.reason().label() + ": " + f.path()));
        if (s.skippedFiles().size() > 20) {
          out.println("  ... and " + (s.skippedFiles().size() - 20) + " more (--json lists all)");
        }
      }
      if (!remembered.applied().isEmpty()) {
        out.println("remembered: " + remembered.describe());
      }
      switched.ifPresent(out::println);
      out.println("index: " + indexDir);
    }
    out.flush();
  }
}
