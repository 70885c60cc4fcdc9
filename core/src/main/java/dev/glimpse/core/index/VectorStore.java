package dev.glimpse.core.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store of image vectors with their file records, searchable by vector similarity.
 *
 * <p>Deliberately small and free of Lucene types so that another engine can replace the embedded
 * Lucene index ({@link LuceneVectorStore}).
 *
 * <p><b>Durability.</b> Writes become durable only at {@link #commit()}; {@link #close()} does not
 * commit, and a crash loses everything written since the last commit but nothing before it. Callers
 * that write many images commit periodically (e.g. every few hundred images or every 30 seconds) so
 * that an interrupted run resumes where it left off. Reads of a writable store see its own
 * uncommitted writes.
 *
 * <p><b>Paths.</b> Callers pass and get absolute, normalised paths. A store may keep them in
 * another form: {@link LuceneVectorStore} stores them relative to the index's roots so that the
 * index survives moving the photos, and derives each image's id from that relative form, so the id
 * of a record given to {@link #upsert} is replaced by the store's.
 *
 * <p>Vectors are L2-normalised, of the store's dimension; scores are cosine similarities.
 * Implementations are thread-safe.
 */
public interface VectorStore extends AutoCloseable {

  /**
   * The image with a path.
   *
   * @param path absolute, normalised path
   * @return the record, or empty if the path is not indexed
   * @throws IOException if the index cannot be read
   */
  Optional<ImageRecord> getByPath(String path) throws IOException;

  /**
   * The image with an id.
   *
   * @param id an {@link ImageRecord#id()}
   * @return the record, or empty if no image has this id
   * @throws IOException if the index cannot be read
   */
  Optional<ImageRecord> getById(String id) throws IOException;

  /**
   * The vector of some indexed image with this content hash, so identical files are encoded once.
   *
   * @param hash a content hash ({@link ContentHash})
   * @return a copy of the vector, or empty if no image has this content
   * @throws IOException if the index cannot be read
   */
  Optional<float[]> vectorByHash(String hash) throws IOException;

  /**
   * The vector of an image, e.g. for "more like this".
   *
   * @param id an {@link ImageRecord#id()}
   * @return a copy of the vector, or empty if no image has this id
   * @throws IOException if the index cannot be read
   */
  Optional<float[]> vector(String id) throws IOException;

  /**
   * Adds an image, replacing any image with the same path. The store assigns the id ({@link
   * ImageRecord#id()} of {@code record} is not kept): read the record back for it.
   *
   * @param record the image
   * @param vector its L2-normalised embedding
   * @throws IOException if the index cannot be written
   * @throws IllegalArgumentException if the vector has the wrong dimension or is not unit length
   * @throws IllegalStateException if the store is read-only
   */
  void upsert(ImageRecord record, float[] vector) throws IOException;

  /**
   * Removes the image with a path; nothing happens if it is not indexed.
   *
   * @param path absolute, normalised path
   * @throws IOException if the index cannot be written
   * @throws IllegalStateException if the store is read-only
   */
  void delete(String path) throws IOException;

  /**
   * The state of every indexed file under a folder, to find deleted and unchanged files.
   *
   * @param root a folder; made absolute and normalised
   * @return path to state, for every image in {@code root} or below it
   * @throws IOException if the index cannot be read
   */
  Map<String, FileState> filesUnder(Path root) throws IOException;

  /**
   * The nearest images to a query vector.
   *
   * <p>Folder and date restrictions are applied inside the approximate search, so a narrow filter
   * still yields up to {@code k} hits; {@link SearchFilter#minScore()} drops weaker hits
   * afterwards.
   *
   * @param query L2-normalised query vector
   * @param k hits wanted, at least 1
   * @param offset hits skipped first, for paging; {@code k + offset} at most 10,000
   * @param filter restrictions
   * @return hits by descending score
   * @throws IOException if the index cannot be read
   */
  List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter) throws IOException;

  /**
   * The query's scores of the images a search with this filter covers, for judging its hits against
   * the rest ({@link dev.glimpse.core.relevance.RelevanceCutoff}): every image's on indexes that
   * are searched exactly, a uniform sample on larger ones. The filter's minimum score is not
   * applied.
   *
   * @param query L2-normalised query vector
   * @param filter restrictions; folder and dates narrow the images scored
   * @return the scores and the number of images they stand for
   * @throws IOException if the index cannot be read
   */
  ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException;

  /**
   * Vectors of up to {@code n} images spread over the store, e.g. to learn how far apart its
   * distinct photos typically are ({@link DuplicateThreshold}).
   *
   * @param n most vectors wanted
   * @return copies of the vectors; the default returns none
   * @throws IOException if the index cannot be read
   */
  default List<float[]> sampleVectors(int n) throws IOException {
    return List.of();
  }

  /**
   * The images whose words (file and folder names, EXIF, IPTC and XMP text) match a keyword query,
   * best first. The folder and date restrictions of the filter apply; its score threshold does not
   * (keyword scores are not cosines).
   *
   * @param query words and phrases
   * @param k hits wanted, 1 to 10,000
   * @param filter restrictions
   * @return hits by descending keyword score, each saying which sources matched; none when the
   *     query has no searchable word
   * @throws IOException if the index cannot be read
   */
  List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter) throws IOException;

  /**
   * How many images have their embedded words (EXIF, IPTC, XMP) in the index: images indexed before
   * Glimpse read words have only their file and folder names until they are indexed again.
   *
   * @return the count
   * @throws IOException if the index cannot be read
   */
  long imagesWithWords() throws IOException;

  /**
   * Counts and sizes of the store.
   *
   * @return the statistics
   * @throws IOException if the index cannot be read
   */
  IndexStats stats() throws IOException;

  /**
   * The model whose vectors the store holds: for a writable store the configured model (or the one
   * already recorded), for a read-only store the one in the latest commit it sees.
   *
   * @return the manifest, or empty if none was recorded
   * @throws IOException if the index cannot be read
   */
  Optional<ModelManifest> manifest() throws IOException;

  /**
   * Makes every write so far durable, recording the model and keeping the last run recorded.
   *
   * @throws IOException if the commit fails
   * @throws IllegalStateException if the store is read-only
   */
  void commit() throws IOException;

  /**
   * Makes every write so far durable, recording the model and what the indexing run did.
   *
   * @param run the finished run's summary, shown by {@link #stats()} from now on
   * @throws IOException if the commit fails
   * @throws IllegalStateException if the store is read-only
   */
  void commit(LastRun run) throws IOException;

  /**
   * Makes reads see the latest commit of another process (read-only stores) or every write so far
   * (writable stores).
   *
   * @return whether the view changed
   * @throws IOException if the index cannot be read
   */
  boolean refresh() throws IOException;

  /**
   * Releases the index. Does not commit: uncommitted writes are discarded.
   *
   * @throws IOException if closing fails
   */
  @Override
  void close() throws IOException;
}
