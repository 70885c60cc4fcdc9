package dev.glimpse.core.clip;

import java.util.Locale;

/** The MLP activation of a CLIP transformer, as named by the checkpoint's config. */
public enum Activation {
  /** {@code x * sigmoid(1.702 x)}: OpenAI's original CLIP models. */
  QUICK_GELU,
  /** The exact, erf-based GELU: most open_clip (LAION, DataComp) models. */
  GELU;

  /** Parses a transformers {@code hidden_act} value. */
  static Activation fromHf(String name) throws UnsupportedModelException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "quick_gelu" -> QUICK_GELU;
      case "gelu" -> GELU;
      default ->
          throw new UnsupportedModelException(
              "activation '"
                  + name
                  + "' is not supported; Glimpse runs CLIP models with quick_gelu or gelu");
    };
  }
}
