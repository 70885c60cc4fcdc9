package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.DuplicateFinder;
import dev.glimpse.core.index.DuplicateThreshold;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse duplicates}: groups of duplicate photos across the index. */
@Command(
    name = "duplicates",
    mixinStandardHelpOptions = true,
    description = {
      "List groups of duplicate photos across the index: the same content, or near-identical"
          + " images (resized, re-encoded, burst shots) whose vectors have a cosine of at least the"
          + " threshold. One nearest-neighbour search per photo, not a comparison of every pair.",
      "Prints one group per paragraph, paths sorted; with --json:"
          + " {\"threshold\":0.99,\"groups\":[{\"images\":[{\"id\",\"path\"},...]},...]}"
    })
final class DuplicatesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(
      names = "--threshold",
      paramLabel = "COSINE",
      description =
          "Cosine at or above which photos are duplicates, in (0, 1]; default: learnt from the"
              + " index (1 - 0.1 x the median distance between its photos).")
  Float threshold;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (threshold != null && !(threshold > 0 && threshold <= 1)) {
      throw new UsageException("--threshold must be in (0, 1], got " + threshold);
    }
    Path indexDir = IndexLocation.resolve(index, GlimpseCli.root(spec).environment());
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      float t =
          threshold != null
              ? threshold
              : DuplicateThreshold.of(store.sampleVectors(DuplicateThreshold.SAMPLE));
      List<DuplicateFinder.Group> groups = DuplicateFinder.find(store, t);
      print(spec.commandLine().getOut(), t, groups);
    }
    return GlimpseCli.OK;
  }

  private void print(PrintWriter out, float t, List<DuplicateFinder.Group> groups)
      throws Exception {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("threshold", t);
      ArrayNode list = root.putArray("groups");
      for (DuplicateFinder.Group g : groups) {
        ArrayNode images = list.addObject().putArray("images");
        for (ImageRecord r : g.images()) {
          images.addObject().put("id", r.id()).put("path", r.path());
        }
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      out.printf(Locale.ROOT, "%d groups of duplicates (cosine >= %.4f)%n", groups.size(), t);
      for (DuplicateFinder.Group g : groups) {
        out.println();
        for (ImageRecord r : g.images()) {
          out.println(r.path());
        }
      }
    }
    out.flush();
  }
}
