package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.IndexStats;
import dev.glimpse.core.index.LastRun;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse status}: what the index holds. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the index: image count, model, dimension, size on disk, the last run.")
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = GlimpseCli.root(spec).environment();
    Path indexDir = IndexLocation.resolve(index, env);
    IndexStats stats;
    long withWords;
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      stats = store.stats();
      withWords = store.imagesWithWords();
    }
    IndexHome home = IndexHome.at(indexDir);
    String generation = home.current().map(IndexHome.Generation::name).orElse("");
    Optional<IndexHome.PendingSwitch> pending = home.pending();
    PrintWriter out = spec.commandLine().getOut();
    String model = stats.model().map(m -> m.modelId()).orElse("");
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("index", indexDir.toString());
      root.put("images", stats.images());
      root.put("imagesWithWords", withWords);
      root.put("model", model);
      stats.model().flatMap(m -> m.revision()).ifPresent(r -> root.put("revision", r));
      root.put("dimension", stats.dimension());
      stats.model().ifPresent(m -> root.put("family", m.family()));
      stats
          .model()
          .map(m -> m.precision())
          .filter(p -> !p.isEmpty())
          .ifPresent(p -> root.put("encoder", p));
      root.put("sizeBytes", stats.sizeBytes());
      root.put("generation", generation);
      if (pending.isPresent()) {
        IndexHome.PendingSwitch p = pending.get();
        ObjectNode sw = root.putObject("switch");
        sw.put("generation", p.generation().name());
        sw.put("model", p.modelId());
        sw.put("started", p.started());
        sw.put("done", p.progress().processed());
        sw.put("total", p.progress().discovered());
        sw.put("totalKnown", p.progress().walkDone());
      } else {
        root.putNull("switch");
      }
      root.set("lastRun", mapper.valueToTree(stats.lastRun().map(LastRun::toMap).orElse(null)));
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      out.println("index:     " + indexDir);
      out.println("images:    " + stats.images());
      if (withWords < stats.images()) {
        // indexed before Glimpse read EXIF/IPTC/XMP words: only file and folder names are searched
        out.println(
            "words:     "
                + withWords
                + " of "
                + stats.images()
                + " images have their EXIF/IPTC/XMP words; glimpse index reads the rest"
                + " (no image is encoded again)");
      }
      out.println(
          "model:     "
              + model
              + stats.model().flatMap(m -> m.revision()).map(r -> " @" + r).orElse(""));
      out.println("dimension: " + stats.dimension());
      stats.model().ifPresent(m -> out.println("family:    " + m.family()));
      stats
          .model()
          .map(m -> m.precision())
          .filter(p -> !p.isEmpty())
          .ifPresent(p -> out.println("encoder:   " + p));
      out.println("size:      " + humanBytes(stats.sizeBytes()));
      out.println("generation: " + generation);
      pending.ifPresent(
          p ->
              out.println(
                  "switch in progress: model "
                      + p.modelId()
                      + " into generation "
                      + p.generation().name()
                      + ", "
                      + p.progress().processed()
                      + "/"
                      + p.progress().discovered()
                      + (p.progress().walkDone() ? "" : "+")
                      + " files, started "
                      + p.started()));
      stats.lastRun().ifPresent(run -> out.println("last run:  " + describe(run)));
    }
    out.flush();
    return GlimpseCli.OK;
  }

  /** e.g. {@code 2026-03-04T05:06:07Z: 3 indexed, 0 unchanged, ... in 1.2 s (corrupt 1)}. */
  static String describe(LastRun run) {
    List<String> skips = new ArrayList<>();
    run.skipped().forEach((reason, n) -> skips.add(reason + " " + n));
    return String.format(
        Locale.ROOT,
        "%s: %d indexed, %d unchanged, %d reused, %d removed, %d skipped%s in %.1f s",
        run.finished(),
        run.indexed(),
        run.unchanged(),
        run.reused(),
        run.removed(),
        run.skippedTotal(),
        skips.isEmpty() ? "" : " (" + String.join(", ", skips) + ")",
        run.seconds());
  }

  static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
