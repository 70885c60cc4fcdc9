package dev.glimpse.cli;

import dev.glimpse.core.clip.DType;
import dev.glimpse.core.clip.SyntheticCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model of the {@code bench} commands: {@code --model DIR}, else a random-weight checkpoint
 * with the real ViT-B/32 geometry kept in {@code --work-dir} (written once; speed does not depend
 * on weight values).
 */
final class BenchModelOptions {
  @Option(names = "--model", paramLabel = "DIR", description = "Benchmark this model directory.")
  Path model;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the random ViT-B/32 checkpoint is kept. Default: ${DEFAULT-VALUE}.",
      defaultValue = "${sys:java.io.tmpdir}/glimpse-bench/vit-b-32-random")
  Path workDir;

  /** The model directory, writing the random checkpoint first if it is needed and missing. */
  Path dir(PrintWriter err) throws IOException {
    if (model != null) {
      return model.toAbsolutePath().normalize();
    }
    if (!Files.isRegularFile(workDir.resolve("open_clip_model.safetensors"))) {
      err.println("writing a random-weight ViT-B/32 checkpoint to " + workDir + " ...");
      err.flush();
      SyntheticCheckpoint.write(workDir, SyntheticCheckpoint.VIT_B_32, 42, DType.F16);
    }
    return workDir.toAbsolutePath().normalize();
  }
}
