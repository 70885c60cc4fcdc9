package dev.glimpse.core.index;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Matches;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
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
 * <p>Paths are stored relative to the index's {@link Roots}, resolved against a base folder (the
 * index directory unless {@link #open(Path, Path, IndexConfig)} names another), and translated at
 * this class's boundary: callers pass and get absolute paths. {@link #moveRoot} re-points a root
 * without rewriting documents; a read-only store picks the new roots up at its next refresh.
 *
 * <p>Thread-safe: one shared searcher per view, acquired and released around each read.
 */
public final class LuceneVectorStore implements VectorStore {
  /** The largest {@code k + offset} of a search. */
  public static final int MAX_WINDOW = 10_000;

  /** Indexes of at most this many images are searched exactly rather than through HNSW. */
  public static final int EXACT_LIMIT = 150_000;

  /**
   * Scores sampled per query for the relevance cut-off on indexes larger than {@value
   * #EXACT_LIMIT}: enough to place the background's quartiles within a few hundredths of its
   * spread.
   */
  public static final int SCORE_SAMPLE = 20_000;

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
  private final Path base;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final IndexSchema schema;
  private final Optional<ModelManifest> model;
  private final PendingWrites pending = new PendingWrites();
  private final ReadWriteLock refreshLock = new ReentrantReadWriteLock();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final QuantizedSegments quantized = new QuantizedSegments(IndexSchema.VECTOR);
  private final int schemaVersion;
  private final Object rootsLock = new Object();
  private final CrashPoints crashPoints = CrashPoints.fromSystemProperty();
  private volatile Optional<LastRun> lastRun;
  private volatile long lastSize;

  /** Writable store: the roots and remembered options as of this store's writes. */
  private volatile PathKeys keys;

  private volatile Optional<IndexSettings> options;

  /** Read-only store: the path keys of the commit the searcher last used sees. */
  private volatile ReaderKeys readerKeys;

  private LuceneVectorStore(
      Path dir,
      Path base,
      Directory directory,
      IndexWriter writer,
      SearcherManager searchers,
      IndexSchema schema,
      Optional<ModelManifest> model,
      Map<String, String> userData,
      int schemaVersion)
      throws IndexException {
    this.dir = dir;
    this.base = base;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.schema = schema;
    this.model = model;
    this.lastRun = CommitData.lastRun(userData);
    this.schemaVersion = schemaVersion;
    this.keys =
        new PathKeys(
            CommitData.roots(userData), base, schemaVersion == CommitData.LEGACY_SCHEMA_VERSION);
    this.options = CommitData.settings(userData);
  }

  /**
   * Opens an index for writing, creating it if the directory holds none; relative roots are
   * resolved against the index's home ({@link IndexHome#homeOf}): the folder holding it when it is
   * a generation of an {@link IndexHome}, else the directory itself.
   *
   * @param dir the index directory, created if missing
   * @param config vector dimension, HNSW parameters, quantisation and model
   * @return the store; close it
   * @throws IndexException if another process writes to the index, or the index was built for
   *     another dimension or model
   * @throws IOException if the index cannot be opened
   */
  public static LuceneVectorStore open(Path dir, IndexConfig config) throws IOException {
    return open(dir, IndexHome.homeOf(dir), config);
  }

  /**
   * Opens an index for writing, creating it if the directory holds none.
   *
   * <p>An index created here stores paths relative to its {@link #roots() roots} (schema 2); one
   * written by an older Glimpse keeps its absolute paths ({@link #portable()} is false) until it is
   * rebuilt.
   *
   * @param dir the index directory, created if missing
   * @param base the folder relative roots are recorded against and resolved from: the index
   *     directory, or the folder that holds it and the other generations of the same index
   * @param config vector dimension, HNSW parameters, quantisation and model
   * @return the store; close it
   * @throws IndexException if another process writes to the index, or the index was built for
   *     another dimension or model
   * @throws IOException if the index cannot be opened
   */
  public static LuceneVectorStore open(Path dir, Path base, IndexConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(base, "base");
    Files.createDirectories(dir);
    Directory directory = FSDirectory.open(dir);
    IndexWriter writer = null;
    SearcherManager searchers = null;
    try {
      IndexWriterConfig iwc =
          new IndexWriterConfig(IndexSchema.analyzer())
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
      boolean exists = DirectoryReader.indexExists(directory);
      Map<String, String> userData =
          exists ? SegmentInfos.readLatestCommit(directory).getUserData() : Map.of();
      int version = CommitData.schema(userData, exists);
      Optional<ModelManifest> recorded = CommitData.model(userData);
      searchers = new SearcherManager(writer, true, false, null);
      checkCompatible(dir, config, recorded, indexedDimension(searchers));
      if (version == CommitData.LEGACY_SCHEMA_VERSION && writer.getDocStats().numDocs == 0) {
        version = CommitData.SCHEMA_VERSION; // nothing stored yet: nothing to keep absolute
      }
      return new LuceneVectorStore(
          dir,
          base.toAbsolutePath().normalize(),
          directory,
          writer,
          searchers,
          new IndexSchema(config.dimension()),
          config.model().or(() -> recorded),
          userData,
          version);
    } catch (IOException | RuntimeException e) {
      closeAfterFailure(e, searchers, writer, directory);
      throw e;
    }
  }

  /**
   * Opens an existing index for reading only; relative roots are resolved against the index's home
   * ({@link IndexHome#homeOf}).
   *
   * @param dir the index directory
   * @return the store; close it
   * @throws IndexException if there is no index in {@code dir}
   * @throws IOException if the index cannot be read
   */
  public static LuceneVectorStore openReadOnly(Path dir) throws IOException {
    return openReadOnly(dir, IndexHome.homeOf(dir));
  }

  /**
   * Opens an existing index for reading only.
   *
   * @param dir the index directory
   * @param base the folder relative roots are resolved against (see {@link #open(Path, Path,
   *     IndexConfig)})
   * @return the store; close it
   * @throws IndexException if there is no index in {@code dir}
   * @throws IOException if the index cannot be read
   */
  public static LuceneVectorStore openReadOnly(Path dir, Path base) throws IOException {
    Objects.requireNonNull(base, "base");
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
      int version = CommitData.schema(userData, true);
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
          base.toAbsolutePath().normalize(),
          directory,
          null,
          searchers,
          new IndexSchema(dimension),
          Optional.empty(),
          userData,
          version);
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

  /** The folder relative roots are resolved against. */
  public Path base() {
    return base;
  }

  /** Whether this store was opened with {@link #openReadOnly(Path)}. */
  public boolean readOnly() {
    return writer == null;
  }

  /**
   * Whether the index stores paths relative to its roots (schema 2), so that it survives moving the
   * photos, or absolute paths (an index written by an older Glimpse; rebuild it to make it
   * portable).
   */
  public boolean portable() throws IOException {
    return !currentKeys().legacy();
  }

  /**
   * The roots the index records. For an index that is not {@link #portable()} these are only the
   * remembered photo folders; its documents do not depend on them.
   */
  public Roots roots() throws IOException {
    return currentKeys().roots();
  }

  /**
   * Registers a photo folder as a root, so that files below it are stored relative to it. A folder
   * inside an existing root is not registered again: that root's id is returned. Recorded at the
   * next commit.
   *
   * @param folder the photo folder
   * @return the id of the root that holds the folder
   * @throws IllegalStateException if the store is read-only
   */
  public String addRoot(Path folder) {
    requireWritable();
    Path f = folder.toAbsolutePath().normalize();
    synchronized (rootsLock) {
      PathKeys current = keys;
      Optional<String> owner = current.owner(f);
      if (owner.isPresent()) {
        return owner.get();
      }
      Roots roots = current.roots();
      String id = roots.nextId();
      String recorded = current.legacy() ? f.toString() : Roots.record(f, base);
      keys = new PathKeys(roots.with(id, recorded), base, current.legacy());
      return id;
    }
  }

  /**
   * The options the index remembers: its roots (resolved) with the recorded indexing options, or
   * empty if it records neither. For a writable store, as {@link #remember} last set them.
   */
  public Optional<IndexSettings> settings() throws IOException {
    PathKeys k;
    Optional<IndexSettings> recorded;
    if (writer != null) {
      k = keys;
      recorded = options;
    } else {
      try (SearcherLease lease = SearcherLease.acquire(searchers)) {
        k = keys(lease.searcher());
        recorded = CommitData.settings(userData(lease.searcher()));
      }
    }
    List<Path> roots = List.copyOf(k.roots().resolved(k.base()).values());
    if (recorded.isEmpty() && roots.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(recorded.orElse(IndexSettings.defaults(List.of())).withRoots(roots));
  }

  /**
   * Remembers the options of an indexing run: registers each of its roots ({@link #addRoot}) and
   * records its other options, at the next commit.
   *
   * @param settings the options
   * @throws IllegalStateException if the store is read-only
   */
  public void remember(IndexSettings settings) {
    requireWritable();
    for (Path root : settings.roots()) {
      addRoot(root);
    }
    options = Optional.of(settings.withRoots(List.of()));
  }

  /**
   * The number of images stored under each root, by root id. Images in a root nested inside another
   * are counted for the inner one. For an index that is not {@link #portable()}, the images below
   * each remembered folder.
   */
  public Map<String, Long> imagesPerRoot() throws IOException {
    refreshIfDirty();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      PathKeys k = keys(searcher);
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Map.Entry<String, Path> root : k.roots().resolved(k.base()).entrySet()) {
        List<String> terms =
            k.legacy() ? List.of(root.getValue().toString()) : List.of(root.getKey());
        counts.put(root.getKey(), (long) searcher.count(schema.folderQuery(terms)));
      }
      return counts;
    }
  }

  /**
   * Re-points a root of a portable index to another folder, changing only the commit data: no
   * document is rewritten. Roots inside the old folder move along with it. Takes the index's write
   * lock for the moment of the commit.
   *
   * @param dir the index directory
   * @param base the folder relative roots are resolved against (see {@link #open(Path, Path,
   *     IndexConfig)})
   * @param root the root: its id, its path as recorded, or the folder it resolves to
   * @param to the new folder; must exist
   * @return the roots after the move
   * @throws IndexException if another process writes to the index, there is no such root, the new
   *     folder does not exist or overlaps another root, or the index is not portable
   * @throws IOException if the index cannot be read or written
   */
  public static Roots moveRoot(Path dir, Path base, String root, Path to) throws IOException {
    Path newFolder = to.toAbsolutePath().normalize();
    if (!Files.isDirectory(newFolder)) {
      throw new IndexException(
          "cannot move a root to " + newFolder + ": it does not exist or is not a folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new IndexException("no glimpse index at " + dir + ": the directory does not exist");
    }
    try (Directory directory = FSDirectory.open(dir)) {
      if (!DirectoryReader.indexExists(directory)) {
        throw new IndexException("no glimpse index at " + dir);
      }
      IndexWriterConfig iwc =
          new IndexWriterConfig(IndexSchema.analyzer())
              .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
              .setMergePolicy(
                  NoMergePolicy.INSTANCE) // a commit of user data only: touch no segment
              .setCommitOnClose(false);
      IndexWriter writer;
      try {
        writer = new IndexWriter(directory, iwc);
      } catch (LockObtainFailedException e) {
        throw new IndexException(
            "another glimpse run is writing to "
                + dir
                + " (its write.lock is held); wait for it to finish, then move the root",
            e);
      }
      try (writer) {
        Map<String, String> userData =
            new HashMap<>(SegmentInfos.readLatestCommit(directory).getUserData());
        if (CommitData.schema(userData, true) == CommitData.LEGACY_SCHEMA_VERSION) {
          throw new IndexException(
              "the index at "
                  + dir
                  + " stores absolute paths (it was written by an older glimpse), so its roots"
                  + " cannot be moved; rebuild it with glimpse index --reindex");
        }
        Roots moved = RootMove.apply(CommitData.roots(userData), base, root, newFolder);
        if (moved.isEmpty()) {
          userData.remove(CommitData.ROOTS_KEY);
        } else {
          userData.put(CommitData.ROOTS_KEY, CommitData.encodeRoots(moved));
        }
        writer.setLiveCommitData(userData.entrySet());
        writer.commit();
        return moved;
      }
    }
  }

  @Override
  public Optional<ImageRecord> getByPath(String path) throws IOException {
    if (writer != null) {
      Optional<ImageRecord> written = pending.byPath(normalise(path));
      if (written != null) {
        return written;
      }
    }
    return findFirst(
        k -> k.key(path).map(key -> new TermQuery(schema.pathTerm(key))), this::record);
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
    return findFirst(k -> Optional.of(schema.idQuery(id)), this::record);
  }

  @Override
  public Optional<float[]> vectorByHash(String hash) throws IOException {
    if (writer != null) {
      float[] written = pending.vectorOfHash(hash);
      if (written != null) {
        return Optional.of(written.clone());
      }
    }
    return findFirst(k -> Optional.of(schema.hashQuery(hash)), (s, k, doc) -> vectorOf(s, doc))
        .flatMap(v -> v);
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
    return findFirst(k -> Optional.of(schema.idQuery(id)), (s, k, doc) -> vectorOf(s, doc))
        .flatMap(v -> v);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A file under no root registers its folder as a new root ({@link #addRoot}). The id of the
   * record given is replaced by the id of the stored key, which stays the same when the photos
   * move: read the record back for it.
   */
  @Override
  public void upsert(ImageRecord record, float[] vector) throws IOException {
    requireWritable();
    String path = normalise(record.path());
    String key = keyForWrite(path);
    ImageRecord stored = keys.toStored(record, key);
    var doc = schema.document(stored, vector);
    ImageRecord visible =
        new ImageRecord(
            stored.id(),
            path,
            record.folder(),
            record.size(),
            record.mtime(),
            record.hash(),
            record.metadata());
    refreshLock.readLock().lock();
    try {
      writer.updateDocument(schema.pathTerm(key), doc);
      pending.upsert(visible, vector);
      dirty.set(true);
    } finally {
      refreshLock.readLock().unlock();
    }
  }

  @Override
  public void delete(String path) throws IOException {
    requireWritable();
    String absolute = normalise(path);
    Optional<String> key = keys.key(absolute);
    if (key.isEmpty()) {
      return; // under no root: not indexed
    }
    refreshLock.readLock().lock();
    try {
      writer.deleteDocuments(schema.pathTerm(key.get()));
      pending.delete(absolute, ImageRecord.idFor(key.get()));
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
      PathKeys k = keys(searcher);
      Map<String, FileState> byKey =
          searcher.search(
              schema.folderQuery(k.folderTerms(folder)), new FileStateCollectorManager());
      Map<String, FileState> out = new HashMap<>();
      for (Map.Entry<String, FileState> e : byKey.entrySet()) {
        out.put(k.absolute(e.getKey()), e.getValue());
      }
      return out;
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
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      PathKeys pathKeys = keys(searcher);
      Optional<Query> filterQuery =
          schema.filterQuery(filter, filter.folder().map(pathKeys::folderTerms).orElse(List.of()));
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
        hits.add(new SearchHit(record(searcher, pathKeys, sd.doc), score));
      }
      return hits;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Up to {@value #EXACT_LIMIT} images every image is scored, through the int8 copies of the
   * exact search; above, {@value #SCORE_SAMPLE} of them, evenly spread over the index.
   */
  @Override
  public ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException {
    Objects.requireNonNull(filter, "filter");
    schema.checkVector(query, "query");
    refreshIfDirty();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      PathKeys pathKeys = keys(searcher);
      Optional<Query> filterQuery =
          schema.filterQuery(filter, filter.folder().map(pathKeys::folderTerms).orElse(List.of()));
      boolean everyImage = searcher.getIndexReader().numDocs() <= EXACT_LIMIT;
      return ScoreScan.scan(
          searcher,
          everyImage ? quantized : null,
          IndexSchema.VECTOR,
          query,
          filterQuery,
          SCORE_SAMPLE);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Scored with BM25 over the word fields ({@link IndexSchema#wordQuery}); the sources that
   * matched come from Lucene's matches API on each hit.
   */
  @Override
  public List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(filter, "filter");
    if (k < 1 || k > MAX_WINDOW) {
      throw new IllegalArgumentException("k must be in [1, " + MAX_WINDOW + "], got " + k);
    }
    Optional<Query> words = schema.wordQuery(query);
    if (words.isEmpty()) {
      return List.of();
    }
    refreshIfDirty();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      PathKeys pathKeys = keys(searcher);
      Optional<Query> filterQuery =
          schema.filterQuery(filter, filter.folder().map(pathKeys::folderTerms).orElse(List.of()));
      Query q = words.get();
      if (filterQuery.isPresent()) {
        q =
            new BooleanQuery.Builder()
                .add(q, BooleanClause.Occur.MUST)
                .add(filterQuery.get(), BooleanClause.Occur.FILTER)
                .build();
      }
      TopDocs top = searcher.search(q, k);
      Weight why =
          searcher.createWeight(searcher.rewrite(words.get()), ScoreMode.COMPLETE_NO_SCORES, 1f);
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      List<WordHit> hits = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
        Matches matches = why.matches(leaf, sd.doc - leaf.docBase);
        EnumSet<WordSource> sources = EnumSet.noneOf(WordSource.class);
        if (matches != null) {
          for (String field : matches) {
            IndexSchema.wordSource(field).ifPresent(sources::add);
          }
        }
        hits.add(new WordHit(record(searcher, pathKeys, sd.doc), sd.score, sources));
      }
      return hits;
    }
  }

  @Override
  public long imagesWithWords() throws IOException {
    refreshIfDirty();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      return lease.searcher().count(schema.wordsReadQuery());
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

  /**
   * {@inheritDoc} Takes every {@code numDocs / n}-th live vector, so the cost is that of n reads.
   */
  @Override
  public List<float[]> sampleVectors(int n) throws IOException {
    refreshIfDirty();
    List<float[]> out = new ArrayList<>();
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexReader reader = lease.searcher().getIndexReader();
      int stride = Math.max(1, reader.numDocs() / Math.max(1, n));
      for (LeafReaderContext leaf : reader.leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
        if (values == null) {
          continue;
        }
        var live = leaf.reader().getLiveDocs();
        for (int ord = 0; ord < values.size() && out.size() < n; ord += stride) {
          if (live == null || live.get(values.ordToDoc(ord))) {
            out.add(values.vectorValue(ord).clone());
          }
        }
      }
    }
    return out;
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
    crashPoints.reached("commit");
    writer.setLiveCommitData(
        CommitData.encode(schemaVersion, model, run, keys.roots(), options).entrySet());
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
  @SuppressWarnings("ReferenceEquality") // a reader's identity tells whether the view changed
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

  @SuppressWarnings("ReferenceEquality") // a reader's identity tells whether the view changed
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
    String[] files;
    try {
      files = directory.listAll();
    } catch (NoSuchFileException e) {
      // A generation replaced by a model switch is removed while readers still have it open; they
      // read their open files until they move on, and report the size they saw last.
      return lastSize;
    }
    long total = 0;
    for (String file : files) {
      try {
        total += directory.fileLength(file);
      } catch (NoSuchFileException | FileNotFoundException e) {
        // merged away while listing
      }
    }
    lastSize = total;
    return total;
  }

  private ImageRecord record(IndexSearcher searcher, PathKeys k, int doc) throws IOException {
    return k.toAbsolute(schema.record(searcher.storedFields().document(doc)));
  }

  /** The path keys that go with a searcher's view. */
  @SuppressWarnings("ReferenceEquality") // a reader's identity tells whether the view changed
  private PathKeys keys(IndexSearcher searcher) throws IOException {
    if (writer != null) {
      return keys;
    }
    IndexReader reader = searcher.getIndexReader();
    ReaderKeys cached = readerKeys;
    if (cached != null && cached.reader() == reader) {
      return cached.keys();
    }
    Map<String, String> userData = userData(searcher);
    PathKeys fresh =
        new PathKeys(
            CommitData.roots(userData),
            base,
            CommitData.schema(userData, true) == CommitData.LEGACY_SCHEMA_VERSION);
    readerKeys = new ReaderKeys(reader, fresh);
    return fresh;
  }

  private PathKeys currentKeys() throws IOException {
    if (writer != null) {
      return keys;
    }
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      return keys(lease.searcher());
    }
  }

  private static Map<String, String> userData(IndexSearcher searcher) throws IOException {
    return ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData();
  }

  /** The key of a path to write, registering its folder as a root if no root holds it. */
  private String keyForWrite(String path) {
    Optional<String> key = keys.key(path);
    if (key.isPresent()) {
      return key.get();
    }
    Path parent = Path.of(path).getParent();
    addRoot(parent == null ? Path.of(path) : parent);
    return keys.key(path)
        .orElseThrow(() -> new IllegalStateException("no root holds " + path + " after adding"));
  }

  private static String normalise(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** The path keys of one reader's commit, cached while the searcher stays on that reader. */
  private record ReaderKeys(IndexReader reader, PathKeys keys) {}

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

  private <T> Optional<T> findFirst(
      java.util.function.Function<PathKeys, Optional<Query>> query, DocReader<T> reader)
      throws IOException {
    try (SearcherLease lease = SearcherLease.acquire(searchers)) {
      IndexSearcher searcher = lease.searcher();
      PathKeys k = keys(searcher);
      Optional<Query> q = query.apply(k);
      if (q.isEmpty()) {
        return Optional.empty();
      }
      TopDocs top = searcher.search(q.get(), 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      return Optional.of(reader.read(searcher, k, top.scoreDocs[0].doc));
    }
  }

  @FunctionalInterface
  private interface DocReader<T> {
    T read(IndexSearcher searcher, PathKeys keys, int doc) throws IOException;
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
