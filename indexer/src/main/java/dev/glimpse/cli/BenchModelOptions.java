package dev.glimpse.cli;

import dev.glimpse.core.clip.DType;
import dev.glimpse.core.clip.SyntheticCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The model of the {@code bench} commands: {@code --model DIR}, else a random-weight checkpoint
 * with a real geometry ({@code --geometry}, default ViT-B/32) kept in {@code --work-dir} or beside
 * it (written once; speed does not depend on weight values).
 */
final class BenchModelOptions {
  @Option(names = "--model", paramLabel = "DIR", description = "Benchmark this model directory.")
  Path model;

  @Option(
      names = "--geometry",
      split = ",",
      paramLabel = "G[,G...]",
      converter = BenchGeometry.Converter.class,
      description =
          "Without --model: the random-weight checkpoint's geometry (clip-b32, siglip2-b16-224,"
              + " siglip2-b32-256). Default: clip-b32.")
  List<BenchGeometry> geometries;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where the random ViT-B/32 checkpoint is kept; other geometries are kept beside it, in"
              + " folders named after them. Default: ${DEFAULT-VALUE}.",
      defaultValue = "${sys:java.io.tmpdir}/glimpse-bench/vit-b-32-random")
  Path workDir;

  /** A model directory to benchmark and its name in result tables ({@code ""} for --model). */
  record Named(String name, Path dir) {}

  /** The one model directory, writing the random checkpoint first if it is needed and missing. */
  Path dir(PrintWriter err) throws IOException, UsageException {
    List<Named> all = dirs(err);
    if (all.size() > 1) {
      throw new UsageException("this command measures one model: give one --geometry");
    }
    return all.getFirst().dir();
  }

  /**
   * The model directories: {@code --model}, else one random checkpoint per {@code --geometry}, each
   * written first if missing.
   */
  List<Named> dirs(PrintWriter err) throws IOException, UsageException {
    if (model != null) {
      if (geometries != null) {
        throw new UsageException("give --model or --geometry, not both");
      }
      return List.of(new Named("", model.toAbsolutePath().normalize()));
    }
    List<BenchGeometry> chosen = geometries == null ? List.of(BenchGeometry.CLIP_B32) : geometries;
    List<Named> out = new ArrayList<>();
    for (BenchGeometry g : chosen) {
      Path dir =
          g == BenchGeometry.CLIP_B32 ? workDir : workDir.resolveSibling(g.label() + "-random");
      if (!Files.isRegularFile(dir.resolve("open_clip_model.safetensors"))) {
        err.println("writing a random-weight " + g.label() + " checkpoint to " + dir + " ...");
        err.flush();
        SyntheticCheckpoint.write(dir, g.config(), 42, DType.F16);
      }
      out.add(new Named(chosen.size() > 1 ? g.label() : "", dir.toAbsolutePath().normalize()));
    }
    return out;
  }
}
