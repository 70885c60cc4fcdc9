package dev.glimpse.api;

import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.BatchingTextEncoder;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ZeroShotClassifier;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.DecodedImage;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.DuplicateThreshold;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexStats;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.ScoreSample;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.index.WordHit;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.search.Exclusion;
import dev.glimpse.core.search.HybridSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP layer needs from core: the read-only index, the CLIP model that made it, an LRU
 * cache of text query embeddings and a thumbnail cache. Thread-safe.
 *
 * <p>Requests work through a {@link Session}, bound to one index and model pair for its whole life,
 * so a query vector is always searched in the index its model made. A service made with {@link
 * #following(IndexSource, ApiConfig)} follows model switches: when {@link #refresh()} finds that
 * another generation of the index is current, it opens that generation with its model and swaps the
 * pair at once; sessions already open finish on the old pair, which is closed when the last of them
 * ends. No request fails because of a switch.
 *
 * <p>A service made with {@link #SearchService(VectorStore, ClipModel, ApiConfig)} does not own the
 * store or the model: whoever opened them closes them after the server stops.
 */
public final class SearchService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchService.class);

  /** Buckets of the encoder time histogram, in seconds. */
  private static final double[] ENCODER_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  /** How long a server waits after a failed switch before it tries to load the new pair again. */
  private static final Duration SWITCH_RETRY = Duration.ofSeconds(30);

  /** A search asks for up to this many more hits to make up for hits whose files are gone. */
  private static final int MAX_STALE_REFILL = 3;

  private final ApiConfig config;
  private final IndexSource source;
  private final ThumbnailRenderer thumbnailRenderer;
  private final ThumbnailCache thumbnails;
  private final AtomicReference<Served> served = new AtomicReference<>();
  private final Object switching = new Object();

  private boolean switchFailed;
  private long switchFailedAt;
  private final LongAdder textCalls = new LongAdder();
  private final LongAdder textsEncoded = new LongAdder();
  private final LongAdder textNanos = new LongAdder();
  private final LongAdder staleHits = new LongAdder();
  private volatile Consumer<String> staleListener = path -> {};
  private volatile Runnable switchListener = () -> {};
  private final MetricsRegistry.Histogram encoderSeconds =
      new MetricsRegistry.Histogram(
          "glimpse_encoder_seconds",
          "Time spent in the CLIP encoder per query, by tower.",
          ENCODER_BUCKETS,
          List.of("tower"));

  /**
   * Creates a service over an index and model that the caller owns and closes.
   *
   * @param store the index, usually opened read-only
   * @param model the model the index was built with (same dimension)
   * @param config limits and cache settings
   * @throws IllegalArgumentException if the model's dimension differs from the index's
   * @throws IOException if the index cannot be read
   */
  public SearchService(VectorStore store, ClipModel model, ApiConfig config) throws IOException {
    this(
        null,
        new IndexSource.Opened("", Objects.requireNonNull(store, "store"), model, () -> {}),
        config);
  }

  private SearchService(IndexSource source, IndexSource.Opened first, ApiConfig config)
      throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.source = source;
    this.thumbnailRenderer = new ThumbnailRenderer(new ImageDecoder());
    this.thumbnails = new ThumbnailCache(config.thumbnailCacheDir(), config.thumbnailMemoryBytes());
    this.served.set(new Served(first));
  }

  /**
   * Creates a service that opens the current generation of an index and follows later switches; it
   * owns what it opens and closes it in {@link #close()}.
   *
   * @param source the index folder and how to load a generation's model
   * @param config limits and cache settings
   * @return the service
   * @throws IOException if the index or its model cannot be opened
   */
  public static SearchService following(IndexSource source, ApiConfig config) throws IOException {
    IndexSource.Opened first = source.openCurrent();
    try {
      return new SearchService(source, first, config);
    } catch (IOException | RuntimeException e) {
      closeQuietly(first.closer(), e);
      throw e;
    }
  }

  /** {@code configured}, with {@link ApiConfig#AUTO_TEXT_BATCH_SIZE} resolved for this model. */
  static int effectiveTextBatchSize(int configured, ClipModel model) {
    if (configured != ApiConfig.AUTO_TEXT_BATCH_SIZE) {
      return configured;
    }
    return model.backend() == Backend.ONEDNN ? ApiConfig.ENGINE_TEXT_BATCH_SIZE : 0;
  }

  /** The most text queries one encoder call takes here; 0 when queries are not batched. */
  public int textBatchSize() {
    try (Session s = session()) {
      return s.served.textBatchSize;
    }
  }

  /**
   * Counts of the text encoder and the query cache since the service started.
   *
   * @param cacheHits text queries answered from the cache
   * @param cacheMisses text queries that were encoded
   * @param encoderCalls text-tower calls (one per batch)
   * @param textsEncoded texts those calls encoded
   * @param encoderSeconds time in those calls
   */
  public record TextStats(
      long cacheHits,
      long cacheMisses,
      long encoderCalls,
      long textsEncoded,
      double encoderSeconds) {
    /** The counts since an earlier snapshot. */
    public TextStats minus(TextStats earlier) {
      return new TextStats(
          cacheHits - earlier.cacheHits,
          cacheMisses - earlier.cacheMisses,
          encoderCalls - earlier.encoderCalls,
          textsEncoded - earlier.textsEncoded,
          encoderSeconds - earlier.encoderSeconds);
    }
  }

  /** The text encoder's and query cache's counts so far (the cache's since the last switch). */
  public TextStats textStats() {
    try (Session s = session()) {
      QueryCache queries = s.served.queries;
      return new TextStats(
          queries.hits(),
          queries.misses(),
          textCalls.sum(),
          textsEncoded.sum(),
          textNanos.sum() / 1e9);
    }
  }

  private void observeTextCall(int texts, long nanos) {
    textCalls.increment();
    textsEncoded.add(texts);
    textNanos.add(nanos);
    encoderSeconds.observe(nanos / 1e9, "text");
  }

  /** The encoder time histogram, for the metrics registry. */
  public MetricsRegistry.Histogram encoderSeconds() {
    return encoderSeconds;
  }

  /** Search hits dropped because their file no longer exists, since the service started. */
  public long staleHits() {
    return staleHits.sum();
  }

  /**
   * Sets who is told of indexed files that are gone (found while serving a search), e.g. a folder
   * watcher that then removes them from the index.
   *
   * @param listener receives the absolute path of each missing file; must be quick
   */
  public void onStaleFile(Consumer<String> listener) {
    this.staleListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Sets who is told, on the refresh thread, after the service has switched to another generation
   * and model (e.g. to restart a folder watcher with the new model).
   *
   * @param listener called after each switch; must be quick
   */
  public void onSwitch(Runnable listener) {
    this.switchListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Opens a session on the index and model served now. Every request uses one session, so its query
   * vectors and its search come from the same pair even while a switch happens.
   *
   * @return the session; close it when the request is done
   * @throws IllegalStateException once the service is closed
   */
  public Session session() {
    while (true) {
      Served s = served.get();
      if (s == null) {
        throw new IllegalStateException("the search service is closed");
      }
      if (s.retain()) {
        return new Session(s);
      }
      // s was retired between get and retain: the next get sees its successor
    }
  }

  /** The work of one request, on one index and model pair. Not shared between threads. */
  public final class Session implements AutoCloseable {
    private final Served served;
    private boolean closed;

    private Session(Served served) {
      this.served = served;
    }

    /** The embedding dimension. */
    public int dimension() {
      return served.model.dimension();
    }

    /**
     * The L2-normalised embedding of a text query, from the cache when it was asked for recently;
     * otherwise encoded, together with concurrent queries when text batching is on.
     *
     * @param text the query; the tokenizer truncates it to the model's context
     * @return a shared vector: do not modify it
     */
    public float[] textVector(String text) {
      return served.queries.get(
          text,
          t -> {
            if (served.textBatcher != null) {
              return served.textBatcher.encode(t);
            }
            long start = System.nanoTime();
            float[] v = served.model.encodeTexts(List.of(t))[0];
            observeTextCall(1, System.nanoTime() - start);
            return v;
          });
    }

    /**
     * The L2-normalised embedding of an uploaded image.
     *
     * @param encoded the file's bytes
     * @return the vector
     * @throws ImageDecodeException if the bytes are not a decodable image within the pixel limit
     */
    public float[] imageVector(byte[] encoded) throws ImageDecodeException {
      DecodedImage image = served.uploadDecoder.decode(encoded, "uploaded image");
      float[] pixels = served.uploadPreprocessor.preprocess(image);
      long start = System.nanoTime();
      float[] v = served.model.encodeImages(pixels, 1)[0];
      encoderSeconds.observe((System.nanoTime() - start) / 1e9, "image");
      return v;
    }

    /** The stored vector of an indexed image. */
    public Optional<float[]> storedVector(String id) throws IOException {
      return served.store.vector(id);
    }

    /** The stored vector of an indexed image, or null if it is gone (for duplicate collapsing). */
    public float[] vectorOrNull(String id) throws IOException {
      return served.store.vector(id).orElse(null);
    }

    /**
     * The cosine at or above which two photos of this index are duplicates ({@link
     * DuplicateThreshold}), learnt from a sample of the index on first use.
     */
    public float duplicateThreshold() throws IOException {
      return served.duplicateThreshold();
    }

    /** The record of an indexed image. */
    public Optional<ImageRecord> image(String id) throws IOException {
      return served.store.getById(id);
    }

    /**
     * Nearest images to a normalised query vector; see {@link VectorStore#search}. Hits whose file
     * no longer exists are left out (and reported to {@link #onStaleFile}); the search asks for a
     * few more to fill the page.
     */
    public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
        throws IOException {
      int largest = Params.MAX_WINDOW - offset;
      int window = k;
      for (int round = 0; ; round++) {
        List<SearchHit> hits = served.store.search(query, window, offset, filter);
        List<SearchHit> live = new ArrayList<>(hits.size());
        int gone = 0;
        for (SearchHit h : hits) {
          if (!config.checkFiles() || Files.exists(Path.of(h.record().path()))) {
            live.add(h);
          } else {
            gone++;
            if (round == 0) {
              staleHits.increment();
              staleListener.accept(h.record().path());
            }
          }
        }
        boolean noMore = hits.size() < window || window >= largest;
        if (live.size() >= k || gone == 0 || noMore || round == MAX_STALE_REFILL) {
          return live.size() > k ? live.subList(0, k) : live;
        }
        window = Math.min(largest, window + Math.max(gone, k));
      }
    }

    /**
     * The query's scores over the images a search with this filter covers; see {@link
     * VectorStore#scoreSample}.
     */
    public ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException {
      return served.store.scoreSample(query, filter);
    }

    /**
     * Images whose words match a keyword query; see {@link VectorStore#searchWords}. Hits whose
     * file no longer exists are left out, as in {@link #search}.
     */
    public List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter)
        throws IOException {
      List<WordHit> hits = served.store.searchWords(query, k, filter);
      if (!config.checkFiles()) {
        return hits;
      }
      return hits.stream().filter(h -> Files.exists(Path.of(h.record().path()))).toList();
    }

    /** This session's index as the search reads it. */
    public HybridSearch.Retrieval retrieval() {
      return new HybridSearch.Retrieval() {
        @Override
        public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
            throws IOException {
          return Session.this.search(query, k, offset, filter);
        }

        @Override
        public ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException {
          return Session.this.scoreSample(query, filter);
        }

        @Override
        public List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter)
            throws IOException {
          return Session.this.searchWords(query, k, filter);
        }

        @Override
        public Optional<float[]> vector(String id) throws IOException {
          return served.store.vector(id);
        }
      };
    }

    /** Embeds texts through the query cache, e.g. the prompts of an {@link Exclusion}. */
    public float[][] textVectors(List<String> texts) {
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = textVector(texts.get(i));
      }
      return out;
    }

    /**
     * Zero-shot classification of an image embedding.
     *
     * @param imageVector a normalised image embedding
     * @param labels class names
     * @param templates prompt templates with a {@code {}} placeholder
     * @return predictions, most probable first
     */
    public List<ZeroShotClassifier.Prediction> classify(
        float[] imageVector, List<String> labels, List<String> templates) {
      long start = System.nanoTime();
      ZeroShotClassifier classifier = ZeroShotClassifier.create(served.model, labels, templates);
      encoderSeconds.observe((System.nanoTime() - start) / 1e9, "text");
      return classifier.classify(imageVector);
    }

    /** Index counts and sizes. */
    public IndexStats stats() throws IOException {
      return served.store.stats();
    }

    /**
     * The model's image tower, for indexing beside the server (e.g. a folder watcher): valid while
     * this session is open.
     */
    public ImageEncoder imageEncoder() {
      return ImageEncoder.of(served.model);
    }

    /** The model the index of this session records. */
    public Optional<ModelManifest> manifest() throws IOException {
      return served.store.manifest();
    }

    /** The name of the index generation this session works on (empty for a fixed index). */
    public String generation() {
      return served.generation;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        served.release();
      }
    }
  }

  /** The embedding dimension of the model served now. */
  public int dimension() {
    try (Session s = session()) {
      return s.dimension();
    }
  }

  /** {@link Session#textVector}, in a session of its own. */
  public float[] textVector(String text) {
    try (Session s = session()) {
      return s.textVector(text);
    }
  }

  /** {@link Session#imageVector}, in a session of its own. */
  public float[] imageVector(byte[] encoded) throws ImageDecodeException {
    try (Session s = session()) {
      return s.imageVector(encoded);
    }
  }

  /** {@link Session#search}, in a session of its own. */
  public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
      throws IOException {
    try (Session s = session()) {
      return s.search(query, k, offset, filter);
    }
  }

  /** {@link Session#image}, in a session of its own. */
  public Optional<ImageRecord> image(String id) throws IOException {
    try (Session s = session()) {
      return s.image(id);
    }
  }

  /** The name of the index generation served now (empty for a fixed index). */
  public String generation() {
    try (Session s = session()) {
      return s.generation();
    }
  }

  /** Index counts and sizes of the index served now. */
  public IndexStats stats() throws IOException {
    try (Session s = session()) {
      return s.stats();
    }
  }

  /**
   * Runs one text query, one image and one search outside the caches and counters, so that the
   * first real request does not pay for one-time work (the engines' kernels and buffers for these
   * shapes, the exact search's per-segment copies). Takes about a second on a 100,000-image index.
   */
  public void warmUp() throws IOException {
    try (Session s = session()) {
      warmUp(s.served);
    }
  }

  private static void warmUp(Served s) throws IOException {
    float[] query = s.model.encodeTexts(List.of("a photo of a dog on a beach"))[0];
    int size = s.model.preprocess().cropSize();
    s.model.encodeImages(new float[3 * size * size], 1);
    s.store.search(query, 1, 0, SearchFilter.NONE);
  }

  /**
   * Picks up the latest commit of the index, or, for a service that follows an index folder, a
   * switch to another generation: the new generation and its model are opened and warmed up while
   * requests go on with the old pair, then swapped in at once.
   *
   * @return true if the view changed
   * @throws IOException if the index cannot be read or the new generation cannot be opened (the old
   *     pair keeps serving)
   */
  public boolean refresh() throws IOException {
    synchronized (switching) {
      Served current = served.get();
      if (current == null) {
        return false;
      }
      if (source != null && !source.isCurrent(current.generation)) {
        if (switchFailed && System.nanoTime() - switchFailedAt < SWITCH_RETRY.toNanos()) {
          return false; // the last attempt failed; loading a model every tick would thrash
        }
        IndexSource.Opened next;
        try {
          next = source.openCurrent();
        } catch (IOException | RuntimeException e) {
          switchFailed = true;
          switchFailedAt = System.nanoTime();
          throw e;
        }
        Served fresh;
        try {
          fresh = new Served(next);
          warmUp(fresh);
        } catch (IOException | RuntimeException e) {
          switchFailed = true;
          switchFailedAt = System.nanoTime();
          closeQuietly(next.closer(), e);
          throw e;
        }
        switchFailed = false;
        if (!served.compareAndSet(current, fresh)) {
          fresh.release(); // closed meanwhile
          return false;
        }
        LOG.info(
            "switched from index generation {} to {} (model {})",
            current.generation,
            fresh.generation,
            fresh.store.manifest().map(m -> m.modelId()).orElse("unrecorded"));
        current.release();
        switchListener.run();
        return true;
      }
      boolean changed = current.store.refresh();
      if (changed) {
        current.duplicateThreshold = null; // learnt again from the grown or shrunk index
      }
      return changed;
    }
  }

  /**
   * A JPEG thumbnail of an indexed image, rendered once per content and size.
   *
   * @param record the image, from the index
   * @param size longest side in pixels
   * @return the JPEG bytes
   * @throws ImageDecodeException if the file cannot be decoded any more
   * @throws IOException if the file cannot be read
   */
  public byte[] thumbnail(ImageRecord record, int size) throws IOException {
    Optional<byte[]> cached = thumbnails.get(record.hash(), size);
    if (cached.isPresent()) {
      return cached.get();
    }
    byte[] original = Files.readAllBytes(Path.of(record.path()));
    byte[] jpeg = thumbnailRenderer.render(original, record.id(), size);
    thumbnails.put(record.hash(), size, jpeg);
    return jpeg;
  }

  /**
   * Stops serving: the pair served now is closed (if this service owns it) once the sessions still
   * open end.
   */
  @Override
  public void close() {
    synchronized (switching) {
      Served s = served.getAndSet(null);
      if (s != null) {
        s.release();
      }
    }
  }

  private static void closeQuietly(AutoCloseable closer, Throwable failure) {
    try {
      closer.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /** One index and model pair with what depends on the model, counted by the sessions using it. */
  private final class Served {
    final String generation;
    final VectorStore store;
    final ClipModel model;
    final AutoCloseable closer;
    final ImageDecoder uploadDecoder;
    final ClipPreprocessor uploadPreprocessor;
    final QueryCache queries;
    final int textBatchSize;
    final BatchingTextEncoder textBatcher;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile Float duplicateThreshold;

    float duplicateThreshold() throws IOException {
      Float t = duplicateThreshold;
      if (t == null) {
        // Racing requests may both sample; they get the same value and the cost is small.
        t = DuplicateThreshold.of(store.sampleVectors(DuplicateThreshold.SAMPLE));
        duplicateThreshold = t;
      }
      return t;
    }

    Served(IndexSource.Opened opened) throws IOException {
      this.generation = opened.generation();
      this.store = opened.store();
      this.model = opened.model();
      this.closer = opened.closer();
      int indexDimension = store.stats().dimension();
      if (indexDimension > 0 && indexDimension != model.dimension()) {
        throw new IllegalArgumentException(
            "model dimension "
                + model.dimension()
                + " does not match index dimension "
                + indexDimension);
      }
      this.uploadDecoder = new ImageDecoder(config.maxUploadPixels(), true);
      this.uploadPreprocessor = new ClipPreprocessor(model.preprocess(), uploadDecoder);
      this.queries = new QueryCache(config.queryCacheEntries());
      this.textBatchSize = effectiveTextBatchSize(config.textBatchSize(), model);
      this.textBatcher =
          textBatchSize == 0
              ? null
              : new BatchingTextEncoder(
                  model::encodeTexts, textBatchSize, SearchService.this::observeTextCall);
    }

    boolean retain() {
      while (true) {
        int r = refs.get();
        if (r == 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          closer.close();
        } catch (Exception e) {
          LOG.warn("closing index generation {} failed: {}", generation, e.toString());
        }
      }
    }
  }
}
