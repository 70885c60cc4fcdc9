package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.Roots;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse roots}: the photo folders an index stores its paths against, and moving one. */
@Command(
    name = "roots",
    mixinStandardHelpOptions = true,
    description = {
      "List the photo folders (roots) the index stores its paths against: id, path as recorded,"
          + " the folder it resolves to, whether that exists, and how many images it holds."
    },
    subcommands = RootsCommand.Move.class)
final class RootsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path indexDir = IndexLocation.resolve(index, GlimpseCli.root(spec).environment());
    PrintWriter out = spec.commandLine().getOut();
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      print(out, store, indexDir, json);
    }
    return GlimpseCli.OK;
  }

  static void print(PrintWriter out, LuceneVectorStore store, Path indexDir, boolean json)
      throws java.io.IOException {
    Roots roots = store.roots();
    Map<String, Path> resolved = roots.resolved(store.base());
    Map<String, Long> images = store.imagesPerRoot();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("index", indexDir.toString());
      root.put("base", store.base().toString());
      root.put("portable", store.portable());
      ArrayNode list = root.putArray("roots");
      roots
          .recorded()
          .forEach(
              (id, path) ->
                  list.addObject()
                      .put("id", id)
                      .put("path", path)
                      .put("resolved", resolved.get(id).toString())
                      .put("exists", Files.isDirectory(resolved.get(id)))
                      .put("images", images.getOrDefault(id, 0L)));
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      out.println("index: " + indexDir);
      if (!store.portable()) {
        out.println(
            "this index stores absolute paths (written by an older glimpse): moving the photos"
                + " breaks it; rebuild it with glimpse index --reindex to make it portable");
      }
      if (roots.isEmpty()) {
        out.println("no roots recorded");
      }
      roots
          .recorded()
          .forEach(
              (id, path) -> {
                Path folder = resolved.get(id);
                out.println(
                    id
                        + "  "
                        + folder
                        + (Files.isDirectory(folder) ? "" : "  MISSING")
                        + "  "
                        + count(images.getOrDefault(id, 0L))
                        + (path.equals(folder.toString()) ? "" : "  (recorded as " + path + ")"));
              });
    }
    out.flush();
  }

  private static String count(long images) {
    return images + (images == 1 ? " image" : " images");
  }

  /** {@code glimpse roots move OLD NEW}: re-points a root after its photos moved. */
  @Command(
      name = "move",
      mixinStandardHelpOptions = true,
      description = {
        "Re-point a root to the folder its photos moved to (roots inside it move along). Only the"
            + " index's commit data changes: no photo is read or re-encoded. Refused while another"
            + " glimpse run writes to the index."
      })
  static final class Move implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "OLD",
        description = "The root: its id (r1), its path as recorded, or the folder it stood for.")
    String old;

    @Parameters(index = "1", paramLabel = "NEW", description = "The folder the photos are in now.")
    Path target;

    @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
    Path index;

    @Override
    public Integer call() throws Exception {
      Path indexDir = IndexLocation.resolve(index, GlimpseCli.root(spec).environment());
      Path base;
      Roots before;
      try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
        base = store.base();
        before = store.roots();
        if (!store.portable()) {
          throw new UsageException(
              "the index at "
                  + indexDir
                  + " stores absolute paths (written by an older glimpse), so its roots cannot be"
                  + " moved; rebuild it with glimpse index --reindex");
        }
      }
      String id =
          before
              .find(old, base)
              .orElseThrow(
                  () ->
                      new UsageException(
                          "no root "
                              + old
                              + " in the index at "
                              + indexDir
                              + "; its roots: "
                              + before.describe()));
      Path folder = target.toAbsolutePath().normalize();
      if (!Files.isDirectory(folder)) {
        throw new UsageException("folder " + folder + " does not exist or is not a folder");
      }
      Roots after =
          LuceneVectorStore.moveRoot(
              IndexHome.at(indexDir).current().orElseThrow().dir(), base, id, folder);
      PrintWriter out = spec.commandLine().getOut();
      after
          .recorded()
          .forEach(
              (rid, path) -> {
                if (!path.equals(before.recorded().get(rid))) {
                  out.println(
                      "moved "
                          + rid
                          + ": "
                          + before.resolve(rid, base)
                          + " -> "
                          + after.resolve(rid, base)
                          + (path.equals(after.resolve(rid, base).toString())
                              ? ""
                              : " (recorded as " + path + ")"));
                }
              });
      out.flush();
      return GlimpseCli.OK;
    }
  }
}
