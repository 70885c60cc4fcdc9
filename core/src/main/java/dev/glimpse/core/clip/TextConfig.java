package dev.glimpse.core.clip;

/**
 * The text tower: {@code contextLength} tokens from a {@code vocabSize} vocabulary, attending and
 * pooling as {@code head} says.
 */
public record TextConfig(
    int contextLength, int vocabSize, TransformerConfig transformer, TextHead head) {

  public TextConfig {
    if (contextLength < 2 || vocabSize < 2) {
      throw new IllegalArgumentException(
          "text context length " + contextLength + " and vocabulary " + vocabSize + " too small");
    }
    java.util.Objects.requireNonNull(head, "head");
  }

  /** A CLIP (causal, end-of-text pooled) text tower. */
  public TextConfig(int contextLength, int vocabSize, TransformerConfig transformer) {
    this(contextLength, vocabSize, transformer, TextHead.END_OF_TEXT);
  }

  /** Whether attention is causal, so a row need only be computed up to its pooled position. */
  public boolean causal() {
    return head == TextHead.END_OF_TEXT;
  }
}
