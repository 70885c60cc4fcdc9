package dev.glimpse.core.clip;

/**
 * Geometry of one pre-LayerNorm transformer stack.
 *
 * @param width model width (hidden size)
 * @param layers number of residual blocks
 * @param heads attention heads; {@code width} must divide evenly
 * @param mlpWidth hidden size of the MLP
 * @param activation the MLP activation
 * @param layerNormEps LayerNorm epsilon
 */
public record TransformerConfig(
    int width, int layers, int heads, int mlpWidth, Activation activation, float layerNormEps) {

  public TransformerConfig {
    if (width <= 0 || layers <= 0 || heads <= 0 || mlpWidth <= 0) {
      throw new IllegalArgumentException(
          "transformer geometry must be positive: width "
              + width
              + ", layers "
              + layers
              + ", heads "
              + heads
              + ", mlp width "
              + mlpWidth);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException(
          "transformer width " + width + " is not divisible by " + heads + " attention heads");
    }
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layer norm epsilon must be positive: " + layerNormEps);
    }
  }

  /** Width of one attention head. */
  public int headWidth() {
    return width / heads;
  }
}
