package dev.glimpse.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A bounded least-recently-used cache of text query embeddings, so that typing-as-you-search and
 * paging re-use the encoder's work. Vectors are returned as shared arrays: callers must not modify
 * them.
 */
final class QueryCache {
  private final int capacity;
  private final LinkedHashMap<String, float[]> entries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  QueryCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > QueryCache.this.capacity;
          }
        };
  }

  /**
   * The cached vector of a text, computing it outside the lock on a miss (two threads may both
   * encode the same new text; the cost is one duplicate encode, not a stall of every request).
   */
  float[] get(String text, Function<String, float[]> encode) {
    synchronized (entries) {
      float[] hit = entries.get(text);
      if (hit != null) {
        hits.increment();
        return hit;
      }
    }
    misses.increment();
    float[] vector = encode.apply(text);
    if (capacity > 0) {
      synchronized (entries) {
        entries.put(text, vector);
      }
    }
    return vector;
  }

  /** Lookups answered from the cache. */
  long hits() {
    return hits.sum();
  }

  /** Lookups that had to encode. */
  long misses() {
    return misses.sum();
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
