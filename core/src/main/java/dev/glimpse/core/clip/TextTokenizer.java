package dev.glimpse.core.clip;

import java.util.List;

/**
 * Turns query and label texts into the fixed-length id rows a text tower reads. Each model family
 * has its own (CLIP's byte-level BPE, SigLIP's SentencePiece, SigLIP2's Gemma BPE); {@link
 * TextTokenizers#open} picks the right one for a checkpoint.
 *
 * <p>Implementations are thread-safe: the native tokenizers they wrap are immutable after loading.
 */
public interface TextTokenizer extends AutoCloseable {
  /** Token ids for one text: exactly {@link #contextLength()} ids. */
  long[] encode(String text);

  /** Token ids for many texts, one row of {@link #contextLength()} ids each. */
  long[][] encode(List<String> texts);

  /** The number of ids in each row. */
  int contextLength();

  /** Frees the native tokenizer. */
  @Override
  void close();
}
