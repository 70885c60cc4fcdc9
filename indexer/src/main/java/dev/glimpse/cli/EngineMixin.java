package dev.glimpse.cli;

import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.ClipOptions;
import picocli.CommandLine.Option;

/** {@code --engine} for the benchmarks that run the model in float32. */
final class EngineMixin {
  @Option(
      names = "--engine",
      paramLabel = EngineOption.LABEL,
      converter = EngineOption.Converter.class,
      defaultValue = "auto",
      description = EngineOption.DESCRIPTION)
  Backend engine = Backend.AUTO;

  /** Float32 on the engine asked for. */
  ClipOptions clipOptions() {
    return ClipOptions.DEFAULTS.withBackend(engine);
  }
}
