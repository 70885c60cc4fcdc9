package dev.glimpse.core.index;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;

/**
 * The int8 copies of the open segments' vectors, built on a segment's first exact search and
 * dropped when Lucene closes the segment's core. Segments survive refreshes, so after a commit only
 * the new segments are quantized. Thread-safe: one thread builds a segment's copy while others that
 * need it wait for it.
 */
final class QuantizedSegments {
  private final String field;
  private final ConcurrentHashMap<IndexReader.CacheKey, CompletableFuture<QuantizedSegment>>
      copies = new ConcurrentHashMap<>();

  QuantizedSegments(String field) {
    this.field = field;
  }

  /**
   * The copy of a segment's vectors.
   *
   * @param reader the segment
   * @param values its float vectors (of this instance's field)
   */
  QuantizedSegment of(LeafReader reader, FloatVectorValues values) throws IOException {
    IndexReader.CacheHelper core = reader.getCoreCacheHelper();
    if (core == null) {
      return QuantizedSegment.of(values);
    }
    IndexReader.CacheKey key = core.getKey();
    CompletableFuture<QuantizedSegment> mine = new CompletableFuture<>();
    CompletableFuture<QuantizedSegment> existing = copies.putIfAbsent(key, mine);
    if (existing != null) {
      return await(existing);
    }
    try {
      core.addClosedListener(copies::remove);
      mine.complete(QuantizedSegment.of(values));
    } catch (IOException | RuntimeException e) {
      copies.remove(key, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    return mine.join();
  }

  /** Segments with a copy (built or being built). */
  int size() {
    return copies.size();
  }

  private QuantizedSegment await(CompletableFuture<QuantizedSegment> building) throws IOException {
    try {
      return building.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException("quantizing the " + field + " vectors of a segment failed", io);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
