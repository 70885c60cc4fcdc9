package dev.glimpse.cli;

import dev.glimpse.core.clip.ClipConfig;
import dev.glimpse.core.clip.SyntheticCheckpoint;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The real geometries the {@code bench} commands can write a random-weight checkpoint of ({@code
 * --geometry}), named like the model catalogue's entries.
 */
enum BenchGeometry {
  /** OpenAI CLIP ViT-B/32 (the default; kept in {@code --work-dir} itself). */
  CLIP_B32("clip-b32", SyntheticCheckpoint.VIT_B_32),
  /** SigLIP 2 B/16 at 224 px. */
  SIGLIP2_B16_224("siglip2-b16-224", SyntheticCheckpoint.SIGLIP2_B16_224),
  /** SigLIP 2 B/32 at 256 px. */
  SIGLIP2_B32_256("siglip2-b32-256", SyntheticCheckpoint.SIGLIP2_B32_256);

  private final String label;

  @SuppressWarnings("ImmutableEnumChecker") // a record of final values, immutable in fact
  private final ClipConfig config;

  BenchGeometry(String label, ClipConfig config) {
    this.label = label;
    this.config = config;
  }

  /** The option value, e.g. {@code siglip2-b16-224}. */
  String label() {
    return label;
  }

  /** The geometry. */
  ClipConfig config() {
    return config;
  }

  static String labels() {
    return Arrays.stream(values()).map(BenchGeometry::label).collect(Collectors.joining(", "));
  }

  /** Parses a label in any case. */
  static final class Converter implements ITypeConverter<BenchGeometry> {
    @Override
    public BenchGeometry convert(String value) {
      for (BenchGeometry g : values()) {
        if (g.label.equals(value.toLowerCase(Locale.ROOT))) {
          return g;
        }
      }
      throw new TypeConversionException("unknown geometry '" + value + "': use " + labels());
    }
  }
}
