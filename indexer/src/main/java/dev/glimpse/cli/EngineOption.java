package dev.glimpse.cli;

import dev.glimpse.core.clip.Backend;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --engine} option of commands that run CLIP. */
final class EngineOption {
  static final String LABEL = "auto|onnx|torch";
  static final String DESCRIPTION =
      "Inference engine: onnx (ONNX Runtime, fp32), torch (libtorch through DJL; needed for"
          + " --precision bf16), auto (onnx where it loads and a self-check against libtorch"
          + " passes, else torch). Default: ${DEFAULT-VALUE}.";

  private EngineOption() {}

  /** Parses auto, onnx and torch in any case. */
  static final class Converter implements ITypeConverter<Backend> {
    @Override
    public Backend convert(String value) {
      try {
        return Backend.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "unknown engine '" + value + "': use auto, onnx or torch");
      }
    }
  }
}
