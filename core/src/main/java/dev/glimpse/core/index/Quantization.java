package dev.glimpse.core.index;

/** How vectors are stored in the HNSW graph. */
public enum Quantization {
  /** 32-bit floats: exact scores, 4 bytes per dimension. */
  NONE,
  /**
   * Int8 scalar quantisation of the graph's vectors (Lucene's {@code
   * Lucene99HnswScalarQuantizedVectorsFormat}): about a quarter of the memory during search, scores
   * slightly approximate. The raw floats are kept on disk, so exact vectors can still be read back.
   */
  INT8
}
