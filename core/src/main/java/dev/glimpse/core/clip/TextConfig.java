package dev.glimpse.core.clip;

/** The causal text tower: {@code contextLength} tokens from a {@code vocabSize} vocabulary. */
public record TextConfig(int contextLength, int vocabSize, TransformerConfig transformer) {

  public TextConfig {
    if (contextLength < 2 || vocabSize < 2) {
      throw new IllegalArgumentException(
          "text context length " + contextLength + " and vocabulary " + vocabSize + " too small");
    }
  }
}
