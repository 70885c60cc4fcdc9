package dev.glimpse.cli;

import dev.glimpse.core.clip.Backend;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --engine} option of commands that run CLIP. */
final class EngineOption {
  static final String LABEL = "auto|onednn|onnx|torch";
  static final String DESCRIPTION =
      "Inference engine: onednn (oneDNN: bf16, fp32), onnx (ONNX Runtime: fp32, int8), torch"
          + " (libtorch through DJL, fp32), auto (onednn for bf16; for fp32, onednn where it has"
          + " AVX-512 kernels, then onnx, each where a self-check against libtorch passes, else"
          + " torch). Default: ${DEFAULT-VALUE}.";

  private EngineOption() {}

  /** Parses auto, onednn, onnx and torch in any case. */
  static final class Converter implements ITypeConverter<Backend> {
    @Override
    public Backend convert(String value) {
      try {
        return Backend.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "unknown engine '" + value + "': use auto, onednn, onnx or torch");
      }
    }
  }
}
