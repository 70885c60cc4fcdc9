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
      "Encoder precision: auto (bf16 where the CPU multiplies bf16 natively, e.g. AVX512_BF16"
          + " or AMX, and a self-check passes; else fp32), bf16 (fast mode, onednn engine:"
          + " transformer blocks in bfloat16, embeddings within cosine 0.9995 of fp32), fp32"
          + " (exact), int8 (onnx engine: 8-bit block-quantized linear layers, opt-in)."
          + " Default: ${DEFAULT-VALUE}.";

  @Option(
      names = "--precision",
      paramLabel = LABEL,
      converter = Converter.class,
      defaultValue = "auto",
      description = DESCRIPTION)
  Precision precision = Precision.AUTO;

  @Option(
      names = "--engine",
      paramLabel = EngineOption.LABEL,
      converter = EngineOption.Converter.class,
      defaultValue = "auto",
      description = EngineOption.DESCRIPTION)
  Backend engine = Backend.AUTO;

  /** The model options these flags ask for. */
  ClipOptions clipOptions() {
    return new ClipOptions(precision, engine, 0);
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
