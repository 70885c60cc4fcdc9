package dev.glimpse.cli;

import dev.glimpse.core.clip.CheckpointException;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.hub.HubConfig;
import dev.glimpse.core.hub.HubException;
import dev.glimpse.core.hub.ModelLocator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --model}, {@code --precision} and {@code --engine} options shared by commands that run
 * CLIP.
 */
final class ModelOptions {
  static final String DEFAULT_MODEL = "openai/clip-vit-base-patch32";

  @Option(
      names = "--model",
      paramLabel = "ID|DIR",
      description =
          "A model directory (Hugging Face or open_clip layout) or a hub id org/name[@revision]."
              + " Default: "
              + DEFAULT_MODEL
              + " (for an existing index: the index's model).")
  String model;

  @Mixin PrecisionOption precision = new PrecisionOption();

  /** The model loading options given on the command line. */
  ClipOptions clipOptions() {
    return precision.clipOptions();
  }

  /** The model given on the command line, if any. */
  Optional<String> explicit() {
    return Optional.ofNullable(model);
  }

  /** The model given, or the default. */
  String idOrDefault() {
    return model == null ? DEFAULT_MODEL : model;
  }

  /** Finds (downloading if needed) and loads the model given or the default. */
  ClipModel load(PrintWriter err, Map<String, String> env)
      throws HubException, CheckpointException {
    return load(idOrDefault(), clipOptions(), err, env).model();
  }

  /** A loaded model and where it came from. */
  record Loaded(String id, Path dir, ClipModel model) {
    /** A stable name for the index manifest: hub ids as given, directories made absolute. */
    String canonicalId() {
      return Files.isDirectory(Path.of(id))
          ? Path.of(id).toAbsolutePath().normalize().toString()
          : id;
    }

    /** The hub commit the files came from, when they came from the hub cache. */
    Optional<String> commit() {
      Path parent = dir.getParent();
      String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
      if (parent != null
          && parent.getFileName() != null
          && parent.getFileName().toString().equals("snapshots")
          && name.matches("[0-9a-f]{40}")) {
        return Optional.of(name);
      }
      return Optional.empty();
    }
  }

  /** Finds (downloading if needed) and loads a model by id or directory. */
  static Loaded load(String id, ClipOptions options, PrintWriter err, Map<String, String> env)
      throws HubException, CheckpointException {
    Path dir =
        new ModelLocator(HubConfig.fromEnvironment(env))
            .locate(id, new ConsoleProgress(err, Terminal.stderrIsTerminal()));
    return new Loaded(id, dir, ClipModel.load(ClipCheckpoint.open(dir), options));
  }
}
