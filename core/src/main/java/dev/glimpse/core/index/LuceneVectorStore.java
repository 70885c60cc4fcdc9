package dev.glimpse.core.index;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.IOUtils;

/**
 * A {@link VectorStore} on an embedded Lucene index with an HNSW vector field.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@link #open(Path, IndexConfig)}: writable, for indexing. Holds Lucene's {@code
 *       write.lock}, so one writer per index directory. Reads go through a near-real-time {@link
 *       SearcherManager} on the writer and see this store's uncommitted writes.
 *   <li>{@link #openReadOnly(Path)}: for search and the server. Sees the latest commit when opened
 *       and, after {@link #refresh()}, the commits another process made since.
 * </ul>
 *
 * <p>Thread-safe: one shared searcher per view, acquired and released around each read.
 */
public final class LuceneVectorStore implements VectorStore {
  /** The largest {@code k + offset} of a search. */
  public static final int MAX_WINDOW = 10_000;

  /** Indexes of at most this many images are searched exactly rather than through HNSW. */
  public static final int EXACT_LIMIT = 150_000;

  /** {@code minCandidates} value that lets the store choose exact or HNSW search. */
  public static final int AUTO_STRATEGY = 0;

  /**
   * {@code minCandidates} value for an exact scan over the float vectors, without the int8 first
   * pass: the reference the default strategy is measured against.
   */
  public static final int FLOAT_EXACT_STRATEGY = -1;

  /**
   * The fewest int8 candidates an exact search rescores with the float vectors (at least twice
   * {@code k + offset} are).
   */
  static final int MIN_RESCORED = 200;

  /** The fewest HNSW candidates a search explores, whatever {@code k} is (ef_search). */
  static final int MIN_CANDIDATES = 100;

  private final Path dir;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final IndexSchema schema;
  private final Optional<ModelManifest> model;
  private final PendingWrites pending = new PendingWrites();
  private final ReadWriteLock refreshLock = new ReentrantReadWriteLock();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final QuantizedSegments quantized = new QuantizedSegments(IndexSchema.VECTOR);
  private volatile Optional<LastRun> lastRun;

  private LuceneVectorStore(
      Path dir,
      Directory directory,
      IndexWriter writer,
      SearcherManager searchers,
      IndexSchema schema,
      Optional<ModelManifest> model,
      Optional<LastRun> lastRun) {
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.schema = schema;
    this.model = model;
    this.lastRun = lastRun;
  }

  /**
   * Opens an index for writing, creating it if the directory holds none.
   *
   * @param dir the index directory, created if missing
   * @param config vector dimension, HNSW parameters, quantisation and model
   * @return the store; close it
   * @throws IndexException if another process writes to the index, or the index was built for
   *     another dimension or model
   * @throws IOException if the index cannot be opened
   */
  public static LuceneVectorStore open(Path dir, IndexConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    Files.createDirectories(dir);
    Directory directory = FSDirectory.open(dir);
    IndexWriter writer = null;
    SearcherManager searchers = null;
    try {
      IndexWriterConfig iwc =
          new IndexWriterConfig()
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              .setCodec(IndexSchema.codec(config))
              .setCommitOnClose(false);
      try {
        writer = new IndexWriter(directory, iwc);
      } catch (LockObtainFailedException e) {
        throw new IndexException(
            "another glimpse index run is using "
                + dir
                + " (its write.lock is held); wait for it to finish or stop it",
            e);
      }
      Map<String, String> userData =
          DirectoryReader.indexExists(directory)
              ? SegmentInfos.readLatestCommit(directory).getUserData()
              : Map.of();
      Optional<ModelManifest> recorded = CommitData.model(userData);
      searchers = new SearcherManager(writer, true, false, null);
      checkCompatible(dir, config, recorded, indexedDimension(searchers));
      return new LuceneVectorStore(
          dir,
          directory,
          writer,
          searchers,
          new IndexSchema(config.dimension()),
          config.model().or(() -> recorded),
          CommitData.lastRun(userData));
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(e, searchers, writer, directory);
      throw e;
    }
  }

  /**
   * Opens an existing index for reading only.
   *
   * @param dir the index directory
   * @return the store; close it
   * @throws IndexException if there is no index in {@code dir}
   * @throws IOException if the index cannot be read
   */
  public static LuceneVectorStore openReadOnly(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IndexException("no glimpse index at " + dir + ": the directory does not exist");
    }
    Directory directory = FSDirectory.open(dir);
    SearcherManager searchers = null;
    try {
      if (!DirectoryReader.indexExists(directory)) {
        throw new IndexException(
            "no glimpse index at " + dir + ": run glimpse index with this index directory first");
      }
      searchers = new SearcherManager(directory, null);
      Map<String, String> userData = commitUserData(searchers);
      Optional<ModelManifest> recorded = CommitData.model(userData);
      OptionalInt indexed = indexedDimension(searchers);
      int dimension =
          indexed.isPresent()
              ? indexed.getAsInt()
              : recorded
                  .map(ModelManifest::dimension)
                  .orElseThrow(
                      () ->
                          new IndexException(
                              "the index at " + dir + " holds no images and records no model"));
      return new LuceneVectorStore(
          dir,
          directory,
          null,
          searchers,
          new IndexSchema(dimension),
          Optional.empty(),
          Optional.empty());
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(e, searchers, null, directory);
      throw e;
    }
  }

  private static void checkCompatible(
      Path dir, IndexConfig config, Optional<ModelManifest> recorded, OptionalInt indexed)
      throws IndexException {
    int existing =
        indexed.orElse(recorded.map(ModelManifest::dimension).orElse(config.dimension()));
    String recordedModel = recorded.map(ModelManifest::modelId).orElse("unrecorded");
    if (existing != config.dimension()) {
      throw new IndexException(
          "vector dimension "
              + config.dimension()
              + config.model().map(m -> " (model " + m.modelId() + ")").orElse("")
              + " does not match index dimension "
              + existing
              + " (model "
              + recordedModel
              + ") of "
              + dir
              + "; use that model or another index directory");
    }
    if (recorded.isPresent()
        && config.model().isPresent()
        && !recorded.get().modelId().equals(config.model().get().modelId())) {
      throw new IndexException(
          "the index at "
              + dir
              + " holds vectors of model "
              + recordedModel
              + ", not "
              + config.model().get().modelId()
              + "; use that model or another index directory");
    }
  }

  private static OptionalInt indexedDimension(SearcherManager searchers) throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(IndexSchema.VECTOR);
        if (info != null && info.getVectorDimension() > 0) {
          return OptionalInt.of(info.getVectorDimension());
        }
      }
      return OptionalInt.empty();
    }
  }

  private static Map<String, String> commitUserData(SearcherManager searchers) throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      return ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData();
    }
  }

  private static void closeAfterFailure(Throwable failure, AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** The index directory. */
  public Path directory() {
    return dir;
  }

  /** Whether this store was opened with {@link #openReadOnly(Path)}. */
  public boolean readOnly() {
    return writer == null;
  }

  @Override
  public Optional<ImageRecord> getByPath(String path) throws IOException {
    if (writer != null) {
      Optional<ImageRecord> written = pending.byPath(path);
      if (written != null) {
        return written;
      }
    }
    return findFirst(new TermQuery(schema.pathTerm(path)), (s, doc) -> record(s, doc));
  }

  @Override
  public Optional<ImageRecord> getById(String id) throws IOException {
    if (writer != null) {
      String path = pending.pathOfId(id);
      Optional<ImageRecord> written = path == null ? null : pending.byPath(path);
      if (written != null) {
        return written;
      }
    }
    return findFirst(schema.idQuery(id), (s, doc) -> record(s, doc));
  }

  @Override
  public Optional<float[]> vectorByHash(String hash) throws IOException {
    if (writer != null) {
      float[] written = pending.vectorOfHash(hash);
      if (written != null) {
        return Optional.of(written.clone());
      }
    }
    return findFirst(schema.hashQuery(hash), LuceneVectorStore::vectorOf).flatMap(v -> v);
  }

  @Override
  public Optional<float[]> vector(String id) throws IOException {
    if (writer != null) {
      String path = pending.pathOfId(id);
      Optional<ImageRecord> written = path == null ? null : pending.byPath(path);
      if (written != null) {
        float[] v = pending.vectorOfPath(path);
        return written.isPresent() && v != null ? Optional.of(v.clone()) : Optional.empty();
      }
    }
    return findFirst(schema.idQuery(id), LuceneVectorStore::vectorOf).flatMap(v -> v);
  }

  @Override
  public void upsert(ImageRecord record, float[] vector) throws IOException {
    requireWritable();
    var doc = schema.document(record, vector);
    refreshLock.readLock().lock();
    try {
      writer.updateDocument(schema.pathTerm(record.path()), doc);
      pending.upsert(record, vector);
      dirty.set(true);
    } finally {
      refreshLock.readLock().unlock();
    }
  }

  @Override
  public void delete(String path) throws IOException {
    requireWritable();
    refreshLock.readLock().lock();
    try {
      writer.deleteDocuments(schema.pathTerm(path));
      pending.delete(path);
      dirty.set(true);
    } finally {
      refreshLock.readLock().unlock();
    }
  }

  @Override
  public Map<String, FileState> filesUnder(Path root) throws IOException {
    refreshIfDirty();
    String folder = root.toAbsolutePath().normalize().toString();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      return searcher.search(schema.folderQuery(folder), new FileStateCollectorManager());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Up to {@value #EXACT_LIMIT} indexed images the search is exact: every vector is compared
   * through an int8 copy held on the heap (one byte per dimension and image, built on a segment's
   * first search), and the best few hundred are rescored with the float vectors. That returns the
   * float scan's results at a quarter of its memory traffic, and costs less than HNSW needs to
   * reach 0.98 recall@10 at 100,000 vectors (see docs/benchmarks.md). Larger indexes use the HNSW
   * graph.
   */
  @Override
  public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
      throws IOException {
    return search(query, k, offset, filter, AUTO_STRATEGY);
  }

  /**
   * {@link #search(float[], int, int, SearchFilter)} exploring at least {@code minCandidates} HNSW
   * candidates (ef_search) instead of {@value #MIN_CANDIDATES}: more is slower and closer to exact.
   *
   * @param minCandidates the fewest candidates, at least 1 (at least {@code k + offset} are used);
   *     or {@link #AUTO_STRATEGY} for exact search on small indexes and HNSW with {@value
   *     #MIN_CANDIDATES} candidates on large ones; or {@link #FLOAT_EXACT_STRATEGY} for a float
   *     scan of every vector
   */
  public List<SearchHit> search(
      float[] query, int k, int offset, SearchFilter filter, int minCandidates) throws IOException {
    Objects.requireNonNull(filter, "filter");
    if (minCandidates < FLOAT_EXACT_STRATEGY) {
      throw new IllegalArgumentException(
          "minCandidates must be at least " + FLOAT_EXACT_STRATEGY + ", got " + minCandidates);
    }
    schema.checkVector(query, "query");
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    if ((long) k + offset > MAX_WINDOW) {
      throw new IllegalArgumentException(
          "k + offset must be at most " + MAX_WINDOW + ", got " + ((long) k + offset));
    }
    refreshIfDirty();
    int window = k + offset;
    // HNSW explores as many candidates as it is asked for; asking for at least MIN_CANDIDATES
    // (the usual ef_search) and keeping the best `window` makes small-k searches exact on small
    // indexes and keeps recall high on large ones.
    int candidates =
        Math.max(window, minCandidates == AUTO_STRATEGY ? MIN_CANDIDATES : minCandidates);
    Optional<Query> filterQuery = schema.filterQuery(filter);
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      TopDocs top;
      if (minCandidates == FLOAT_EXACT_STRATEGY) {
        top = ExactVectorSearch.search(searcher, IndexSchema.VECTOR, query, window, filterQuery);
      } else if (minCandidates == AUTO_STRATEGY
          && searcher.getIndexReader().numDocs() <= EXACT_LIMIT) {
        top =
            QuantizedExactSearch.search(
                searcher,
                quantized,
                IndexSchema.VECTOR,
                query,
                window,
                Math.max(MIN_RESCORED, 2 * window),
                filterQuery);
      } else {
        top =
            searcher.search(
                new KnnFloatVectorQuery(
                    IndexSchema.VECTOR, query, candidates, filterQuery.orElse(null)),
                window);
      }
      List<SearchHit> hits = new ArrayList<>();
      for (int i = offset; i < top.scoreDocs.length; i++) {
        ScoreDoc sd = top.scoreDocs[i];
        float score = IndexSchema.cosine(sd.score);
        if (filter.minScore().isPresent() && score < filter.minScore().get()) {
          break;
        }
        hits.add(new SearchHit(record(searcher, sd.doc), score));
      }
      return hits;
    }
  }

  /**
   * Visits every indexed vector with its image id, for exact (brute-force) comparisons. Reads the
   * whole index: meant for benchmarks and tools, not for serving.
   *
   * @param visitor receives each id and a vector it may keep
   */
  public void forEachVector(java.util.function.BiConsumer<String, float[]> visitor)
      throws IOException {
    refreshIfDirty();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      var stored = searcher.storedFields();
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
        if (values == null) {
          continue;
        }
        var live = leaf.reader().getLiveDocs();
        KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int doc = it.nextDoc();
            doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
            doc = it.nextDoc()) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          ImageRecord r = schema.record(stored.document(leaf.docBase + doc));
          visitor.accept(r.id(), values.vectorValue(it.index()).clone());
        }
      }
    }
  }

  @Override
  public IndexStats stats() throws IOException {
    refreshIfDirty();
    long images;
    Map<String, String> userData;
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      IndexReader reader = searcher.getIndexReader();
      images = reader.numDocs();
      userData = writer == null ? ((DirectoryReader) reader).getIndexCommit().getUserData() : null;
    }
    return new IndexStats(
        images,
        schema.dimension(),
        sizeOnDisk(),
        writer == null ? CommitData.model(userData) : model,
        writer == null ? CommitData.lastRun(userData) : lastRun);
  }

  @Override
  public Optional<ModelManifest> manifest() throws IOException {
    return writer == null ? CommitData.model(commitUserData(searchers)) : model;
  }

  @Override
  public void commit() throws IOException {
    commit(lastRun);
  }

  @Override
  public void commit(LastRun run) throws IOException {
    commit(Optional.of(run));
  }

  private void commit(Optional<LastRun> run) throws IOException {
    requireWritable();
    writer.setLiveCommitData(CommitData.encode(model, run).entrySet());
    writer.commit();
    lastRun = run;
    refreshWrites();
  }

  /**
   * Merges the index down to at most {@code maxSegments} segments and commits. One HNSW graph
   * searches faster than many small ones; merging rebuilds graphs, so it takes a while.
   *
   * @param maxSegments the most segments left, at least 1
   */
  public void forceMerge(int maxSegments) throws IOException {
    requireWritable();
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be at least 1, got " + maxSegments);
    }
    writer.forceMerge(maxSegments, true);
    commit();
  }

  /** Segments whose int8 copy the exact search holds (or is building). */
  int quantizedSegments() {
    return quantized.size();
  }

  /** The number of index segments in the current view (each has its own HNSW graph). */
  public int segments() throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      return lease.searcher().getIndexReader().leaves().size();
    }
  }

  @Override
  public boolean refresh() throws IOException {
    if (writer != null) {
      return refreshWrites();
    }
    IndexReader before = currentReader();
    searchers.maybeRefreshBlocking();
    return currentReader() != before;
  }

  /**
   * Closes the searcher, the writer (discarding uncommitted writes, as after a crash) and the
   * directory.
   */
  @Override
  public void close() throws IOException {
    // searcher first, directory last; every one is closed even if an earlier close fails
    IOUtils.close(searchers, writer, directory);
  }

  private void requireWritable() {
    if (writer == null) {
      throw new IllegalStateException("the index at " + dir + " was opened read-only");
    }
  }

  private void refreshIfDirty() throws IOException {
    if (dirty.get()) {
      refreshWrites();
    }
  }

  private boolean refreshWrites() throws IOException {
    refreshLock.writeLock().lock();
    try {
      IndexReader before = currentReader();
      searchers.maybeRefreshBlocking();
      pending.clear();
      dirty.set(false);
      return currentReader() != before;
    } finally {
      refreshLock.writeLock().unlock();
    }
  }

  private IndexReader currentReader() throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      return searcher.getIndexReader();
    }
  }

  private long sizeOnDisk() throws IOException {
    long total = 0;
    for (String file : directory.listAll()) {
      try {
        total += directory.fileLength(file);
      } catch (NoSuchFileException | FileNotFoundException e) {
        // merged away while listing
      }
    }
    return total;
  }

  private ImageRecord record(IndexSearcher searcher, int doc) throws IOException {
    return schema.record(searcher.storedFields().document(doc));
  }

  private static Optional<float[]> vectorOf(IndexSearcher searcher, int doc) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
    if (values == null) {
      return Optional.empty();
    }
    int target = doc - leaf.docBase;
    KnnVectorValues.DocIndexIterator it = values.iterator();
    if (it.advance(target) != target) {
      return Optional.empty();
    }
    return Optional.of(values.vectorValue(it.index()).clone());
  }

  private <T> Optional<T> findFirst(Query query, DocReader<T> reader) throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      TopDocs top = searcher.search(query, 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      return Optional.of(reader.read(searcher, top.scoreDocs[0].doc));
    }
  }

  @FunctionalInterface
  private interface DocReader<T> {
    T read(IndexSearcher searcher, int doc) throws IOException;
  }

  /** Reads path, size, mtime and hash of every matching document from doc values. */
  private static final class FileStateCollectorManager
      implements CollectorManager<FileStateCollector, Map<String, FileState>> {
    @Override
    public FileStateCollector newCollector() {
      return new FileStateCollector();
    }

    @Override
    public Map<String, FileState> reduce(Collection<FileStateCollector> collectors) {
      Map<String, FileState> out = new HashMap<>();
      for (FileStateCollector c : collectors) {
        out.putAll(c.states);
      }
      return out;
    }
  }

  private static final class FileStateCollector extends SimpleCollector {
    private final Map<String, FileState> states = new HashMap<>();
    private SortedDocValues paths;
    private SortedDocValues hashes;
    private NumericDocValues sizes;
    private NumericDocValues mtimes;

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      paths = DocValues.getSorted(context.reader(), IndexSchema.PATH);
      hashes = DocValues.getSorted(context.reader(), IndexSchema.HASH);
      sizes = DocValues.getNumeric(context.reader(), IndexSchema.SIZE);
      mtimes = DocValues.getNumeric(context.reader(), IndexSchema.MTIME);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (!paths.advanceExact(doc)
          || !hashes.advanceExact(doc)
          || !sizes.advanceExact(doc)
          || !mtimes.advanceExact(doc)) {
        return;
      }
      states.put(
          paths.lookupOrd(paths.ordValue()).utf8ToString(),
          new FileState(
              sizes.longValue(),
              mtimes.longValue(),
              hashes.lookupOrd(hashes.ordValue()).utf8ToString()));
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }
}
