package dev.glimpse.core.relevance;

import java.util.Locale;

/** Which hits a search returns. */
public enum CutoffMode {
  /** Only {@link Relevance#STRONG} and {@link Relevance#WEAK} hits (the default). */
  AUTO,
  /** Every hit, labelled, best first as before the cut-off existed. */
  NONE;

  /**
   * The mode with a parameter name.
   *
   * @param param {@code auto} or {@code none}
   * @return the mode
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CutoffMode parse(String param) {
    return switch (param.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "none" -> NONE;
      default ->
          throw new IllegalArgumentException("cutoff must be auto or none, got '" + param + "'");
    };
  }

  /** The name in the API's {@code cutoff} parameter and the CLI's {@code --cutoff}. */
  public String param() {
    return name().toLowerCase(Locale.ROOT);
  }
}
