package dev.glimpse.core.bench;

import dev.glimpse.core.clip.TextConfig;
import java.util.Arrays;

/**
 * Token ids for a benchmark model that has no tokenizer: one id per word, an end token, zero
 * padding to the context, as a SentencePiece tokenizer would lay them out. Only the layout matters
 * for speed; the ids are a fixed function of the words.
 */
final class SyntheticTokens {
  private SyntheticTokens() {}

  /** The ids of {@code query}: {@code contextLength} long, truncated like a real tokenizer. */
  static long[] ids(String query, TextConfig text) {
    String[] words = query.trim().split("\\s+", -1);
    int context = text.contextLength();
    long[] ids = new long[context];
    int n = Math.min(words.length, context - 1);
    for (int i = 0; i < n; i++) {
      // ids 0 (padding) and 1 (end) are kept for their roles
      ids[i] = 2L + Math.floorMod(words[i].hashCode(), text.vocabSize() - 2);
    }
    ids[n] = 1;
    Arrays.fill(ids, n + 1, context, 0);
    return ids;
  }
}
