package dev.glimpse.core.indexing;

import dev.glimpse.core.index.FileState;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexStats;
import dev.glimpse.core.index.LastRun;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.ScoreSample;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.index.WordHit;
import dev.glimpse.core.index.WordQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The index a dry run reads where none exists yet: it holds nothing and refuses writes. Lets the
 * dry run see "a new index" without creating a folder for one.
 */
final class NoIndex implements VectorStore {
  @Override
  public Optional<ImageRecord> getByPath(String path) {
    return Optional.empty();
  }

  @Override
  public Optional<ImageRecord> getById(String id) {
    return Optional.empty();
  }

  @Override
  public Optional<float[]> vectorByHash(String hash) {
    return Optional.empty();
  }

  @Override
  public Optional<float[]> vector(String id) {
    return Optional.empty();
  }

  @Override
  public List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter) {
    return List.of();
  }

  @Override
  public long imagesWithWords() {
    return 0;
  }

  @Override
  public void upsert(ImageRecord record, float[] vector) {
    throw readOnly();
  }

  @Override
  public void delete(String path) {
    throw readOnly();
  }

  @Override
  public Map<String, FileState> filesUnder(Path root) {
    return Map.of();
  }

  @Override
  public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter) {
    return List.of();
  }

  @Override
  public ScoreSample scoreSample(float[] query, SearchFilter filter) {
    return ScoreSample.EMPTY;
  }

  @Override
  public IndexStats stats() {
    return new IndexStats(0, 0, 0, Optional.empty(), Optional.empty());
  }

  @Override
  public Optional<ModelManifest> manifest() {
    return Optional.empty();
  }

  @Override
  public void commit() {
    throw readOnly();
  }

  @Override
  public void commit(LastRun run) {
    throw readOnly();
  }

  @Override
  public boolean refresh() {
    return false;
  }

  @Override
  public void close() {}

  private static IllegalStateException readOnly() {
    return new IllegalStateException("a dry run writes nothing (there is no index yet)");
  }
}
