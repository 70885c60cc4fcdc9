package dev.glimpse.cli;

import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.clip.Precision;
import picocli.CommandLine.Option;

/** {@code --engine} and {@code --precision} for the indexing and serving benchmarks. */
final class EngineMixin {
  @Option(
      names = "--engine",
      paramLabel = EngineOption.LABEL,
      converter = EngineOption.Converter.class,
      defaultValue = "auto",
      description = EngineOption.DESCRIPTION)
  Backend engine = Backend.AUTO;

  @Option(
      names = "--precision",
      paramLabel = PrecisionOption.LABEL,
      converter = PrecisionOption.Converter.class,
      defaultValue = "fp32",
      description = PrecisionOption.DESCRIPTION)
  Precision precision = Precision.FP32;

  /** The precision and engine asked for. */
  ClipOptions clipOptions() {
    return new ClipOptions(precision).withBackend(engine);
  }
}
