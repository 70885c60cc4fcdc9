package dev.glimpse.core.clip;

import java.util.Locale;

/** The MLP activation of a CLIP transformer, as named by the checkpoint's config. */
public enum Activation {
  /** {@code x * sigmoid(1.702 x)}: OpenAI's original CLIP models. */
  QUICK_GELU,
  /** The exact, erf-based GELU: most open_clip (LAION, DataComp) models, SigLIP v1 in open_clip. */
  GELU,
  /**
   * The tanh approximation of GELU, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}: SigLIP
   * 2's text tower, some timm SigLIP image towers and transformers' SigLIP configs ({@code
   * gelu_pytorch_tanh}).
   */
  GELU_TANH;

  /** Parses a transformers {@code hidden_act} value. */
  static Activation fromHf(String name) throws UnsupportedModelException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "quick_gelu" -> QUICK_GELU;
      case "gelu" -> GELU;
      case "gelu_pytorch_tanh", "gelu_new", "gelu_tanh" -> GELU_TANH;
      default ->
          throw new UnsupportedModelException(
              "activation '"
                  + name
                  + "' is not supported; Glimpse runs models with quick_gelu, gelu or gelu_pytorch_tanh");
    };
  }
}
