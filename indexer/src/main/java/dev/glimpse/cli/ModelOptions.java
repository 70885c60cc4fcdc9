package dev.glimpse.cli;

import dev.glimpse.core.clip.CheckpointException;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.hub.HubConfig;
import dev.glimpse.core.hub.HubException;
import dev.glimpse.core.hub.ModelLocator;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model} option shared by commands that run CLIP. */
final class ModelOptions {
  static final String DEFAULT_MODEL = "openai/clip-vit-base-patch32";

  @Option(
      names = "--model",
      paramLabel = "ID|DIR",
      defaultValue = DEFAULT_MODEL,
      description =
          "A model directory (Hugging Face or open_clip layout) or a hub id org/name[@revision]."
              + " Default: ${DEFAULT-VALUE}.")
  String model;

  /** Finds (downloading if needed) and loads the model, reporting downloads on {@code err}. */
  ClipModel load(PrintWriter err, java.util.Map<String, String> env)
      throws HubException, CheckpointException {
    Path dir =
        new ModelLocator(HubConfig.fromEnvironment(env))
            .locate(model, new ConsoleProgress(err, System.console() != null));
    return ClipModel.load(ClipCheckpoint.open(dir));
  }
}
