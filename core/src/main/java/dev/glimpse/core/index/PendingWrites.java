package dev.glimpse.core.index;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes not yet visible to the store's searcher. Lets lookups see their own writes without
 * reopening the near-real-time reader after every document (which would flush one tiny segment per
 * image); the store clears it whenever it refreshes the searcher.
 */
final class PendingWrites {
  /** Path to record; an empty value marks a deletion. */
  private final Map<String, Optional<ImageRecord>> byPath = new ConcurrentHashMap<>();

  private final Map<String, String> pathById = new ConcurrentHashMap<>();
  private final Map<String, float[]> vectorByPath = new ConcurrentHashMap<>();
  private final Map<String, float[]> vectorByHash = new ConcurrentHashMap<>();

  void upsert(ImageRecord record, float[] vector) {
    float[] copy = vector.clone();
    byPath.put(record.path(), Optional.of(record));
    pathById.put(record.id(), record.path());
    vectorByPath.put(record.path(), copy);
    vectorByHash.put(record.hash(), copy);
  }

  void delete(String path, String id) {
    byPath.put(path, Optional.empty());
    pathById.put(id, path);
    vectorByPath.remove(path);
  }

  /**
   * The pending state of a path: {@code null} if nothing is pending (ask the searcher), an empty
   * optional if it was deleted, else the record written.
   */
  Optional<ImageRecord> byPath(String path) {
    return byPath.get(path);
  }

  /** The path of a pending id, or {@code null}. */
  String pathOfId(String id) {
    return pathById.get(id);
  }

  /** The pending vector of a path, or {@code null}. */
  float[] vectorOfPath(String path) {
    return vectorByPath.get(path);
  }

  /**
   * A vector written for a content hash, or {@code null}. Still valid if that file was deleted
   * since: the vector belongs to the content.
   */
  float[] vectorOfHash(String hash) {
    return vectorByHash.get(hash);
  }

  void clear() {
    byPath.clear();
    pathById.clear();
    vectorByPath.clear();
    vectorByHash.clear();
  }
}
