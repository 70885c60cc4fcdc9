package dev.glimpse.cli;

import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.clip.Precision;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --precision} and {@code --engine} options of commands that run CLIP. */
final class PrecisionOption {
  static final String LABEL = "fp32|bf16|int8|auto";
  static final String DESCRIPTION =
      "Encoder precision: fp32 (exact), int8 (onnx engine: 8-bit block-quantized linear"
          + " layers, opt-in), bf16 (torch engine: text queries with bf16 weights in Java),"
          + " auto (bf16 where the CPU has 512-bit vectors, a self-check passes and it measures"
          + " faster than fp32 here). int8 and bf16 meet the bf16 golden bounds. Default:"
          + " ${DEFAULT-VALUE}.";

  @Option(
      names = "--precision",
      paramLabel = LABEL,
      converter = Converter.class,
      defaultValue = "fp32",
      description = DESCRIPTION)
  Precision precision = Precision.FP32;

  @Option(
      names = "--engine",
      paramLabel = EngineOption.LABEL,
      converter = EngineOption.Converter.class,
      defaultValue = "auto",
      description = EngineOption.DESCRIPTION)
  Backend engine = Backend.AUTO;

  /** The model options these flags ask for. */
  ClipOptions clipOptions() {
    return new ClipOptions(precision).withBackend(engine);
  }

  /** Parses fp32, bf16, int8 and auto in any case. */
  static final class Converter implements ITypeConverter<Precision> {
    @Override
    public Precision convert(String value) {
      try {
        return Precision.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "unknown precision '" + value + "': use fp32, bf16, int8 or auto");
      }
    }
  }
}
