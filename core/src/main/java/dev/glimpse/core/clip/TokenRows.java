package dev.glimpse.core.clip;

/**
 * Token id rows prepared for a text tower: validated, cut at the last end-of-text token of the
 * batch where attention is causal (later positions cannot change the pooled ones), and flattened. A
 * {@link TextHead#LAST} tower attends over every position and pools the last one, so its rows must
 * fill the whole context and are never cut.
 *
 * @param ids {@code rows * length} ids, row-major; rows shorter than {@code length} are zero-padded
 * @param rows number of texts
 * @param length tokens per row
 * @param pool per row, the position the tower pools at: for CLIP the largest id (the first
 *     end-of-text token), as the reference's {@code argmax} does; for SigLIP the last position
 */
record TokenRows(long[] ids, int rows, int length, int[] pool) {

  /**
   * @param fullContext keep every position of the rows instead of stopping at the last end-of-text
   *     token (for tests that prove the two agree)
   * @throws IllegalArgumentException for an empty or over-long row or an id outside the vocabulary
   */
  static TokenRows of(long[][] tokenIds, TextConfig config, boolean fullContext) {
    int rows = tokenIds.length;
    int[] pool = new int[rows];
    int length = 0;
    for (int r = 0; r < rows; r++) {
      long[] row = tokenIds[r];
      if (row.length == 0 || row.length > config.contextLength()) {
        throw new IllegalArgumentException(
            "token row "
                + r
                + " has "
                + row.length
                + " ids; the context length is "
                + config.contextLength());
      }
      if (config.head() == TextHead.LAST) {
        if (row.length != config.contextLength()) {
          throw new IllegalArgumentException(
              "token row "
                  + r
                  + " has "
                  + row.length
                  + " ids; this model pools the last of all "
                  + config.contextLength()
                  + " positions, so rows must be padded to the full context");
        }
        checkIds(row, r, config.vocabSize());
        pool[r] = row.length - 1;
        length = row.length;
        continue;
      }
      pool[r] = argmax(row, r, config.vocabSize());
      length = Math.max(length, fullContext ? row.length : pool[r] + 1);
    }
    long[] flat = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(tokenIds[r], 0, flat, r * length, Math.min(length, tokenIds[r].length));
    }
    return new TokenRows(flat, rows, length, pool);
  }

  /** Per row, {@code r * length + pool[r]}: the pooled position in the flattened output. */
  long[] flatPoolIndex() {
    long[] index = new long[rows];
    for (int r = 0; r < rows; r++) {
      index[r] = (long) r * length + pool[r];
    }
    return index;
  }

  /** The additive causal mask {@code [length, length]}: 0 on and below the diagonal, -inf above. */
  float[] causalMask() {
    return causalMask(length);
  }

  /** The additive causal mask for {@code length} tokens. */
  static float[] causalMask(int length) {
    float[] mask = new float[length * length];
    for (int i = 0; i < length; i++) {
      for (int j = i + 1; j < length; j++) {
        mask[i * length + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return mask;
  }

  private static int argmax(long[] row, int r, int vocabSize) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    checkIds(row, r, vocabSize);
    return best;
  }

  private static void checkIds(long[] row, int r, int vocabSize) {
    for (long id : row) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException(
            "token id " + id + " in row " + r + " is outside the vocabulary of " + vocabSize);
      }
    }
  }
}
