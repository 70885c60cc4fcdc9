package dev.glimpse.api;

import dev.glimpse.core.clip.Backend;
import dev.glimpse.core.clip.BatchingTextEncoder;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ZeroShotClassifier;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.DecodedImage;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexStats;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the HTTP layer needs from core: the read-only index, the CLIP model that made it, an LRU
 * cache of text query embeddings and a thumbnail cache. Thread-safe.
 *
 * <p>The service does not own the store or the model: whoever opened them closes them after the
 * server stops.
 */
public final class SearchService {
  /** Buckets of the encoder time histogram, in seconds. */
  private static final double[] ENCODER_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final VectorStore store;
  private final ClipModel model;
  private final ImageDecoder uploadDecoder;
  private final ClipPreprocessor uploadPreprocessor;
  private final ThumbnailRenderer thumbnailRenderer;
  private final ThumbnailCache thumbnails;
  private final QueryCache queries;
  private final BatchingTextEncoder textBatcher;
  private final int textBatchSize;
  private final LongAdder textCalls = new LongAdder();
  private final LongAdder textsEncoded = new LongAdder();
  private final LongAdder textNanos = new LongAdder();
  private final MetricsRegistry.Histogram encoderSeconds =
      new MetricsRegistry.Histogram(
          "glimpse_encoder_seconds",
          "Time spent in the CLIP encoder per query, by tower.",
          ENCODER_BUCKETS,
          List.of("tower"));

  /**
   * Creates the service.
   *
   * @param store the index, usually opened read-only
   * @param model the model the index was built with (same dimension)
   * @param config limits and cache settings
   * @throws IllegalArgumentException if the model's dimension differs from the index's
   * @throws IOException if the index cannot be read
   */
  public SearchService(VectorStore store, ClipModel model, ApiConfig config) throws IOException {
    this.store = Objects.requireNonNull(store, "store");
    this.model = Objects.requireNonNull(model, "model");
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
    this.thumbnailRenderer = new ThumbnailRenderer(new ImageDecoder());
    this.thumbnails = new ThumbnailCache(config.thumbnailCacheDir(), config.thumbnailMemoryBytes());
    this.queries = new QueryCache(config.queryCacheEntries());
    this.textBatchSize = effectiveTextBatchSize(config.textBatchSize(), model);
    this.textBatcher =
        textBatchSize == 0
            ? null
            : new BatchingTextEncoder(model::encodeTexts, textBatchSize, this::observeTextCall);
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
    return textBatchSize;
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

  /** The text encoder's and query cache's counts so far. */
  public TextStats textStats() {
    return new TextStats(
        queries.hits(),
        queries.misses(),
        textCalls.sum(),
        textsEncoded.sum(),
        textNanos.sum() / 1e9);
  }

  private void observeTextCall(int texts, long nanos) {
    textCalls.increment();
    textsEncoded.add(texts);
    textNanos.add(nanos);
    encoderSeconds.observe(nanos / 1e9, "text");
  }

  /** The embedding dimension. */
  public int dimension() {
    return model.dimension();
  }

  /** The encoder time histogram, for the metrics registry. */
  public MetricsRegistry.Histogram encoderSeconds() {
    return encoderSeconds;
  }

  /**
   * The L2-normalised embedding of a text query, from the cache when it was asked for recently;
   * otherwise encoded, together with concurrent queries when text batching is on.
   *
   * @param text the query; the tokenizer truncates it to the model's context
   * @return a shared vector: do not modify it
   */
  public float[] textVector(String text) {
    return queries.get(
        text,
        t -> {
          if (textBatcher != null) {
            return textBatcher.encode(t);
          }
          long start = System.nanoTime();
          float[] v = model.encodeTexts(List.of(t))[0];
          observeTextCall(1, System.nanoTime() - start);
          return v;
        });
  }

  /**
   * Runs one text query, one image and one search outside the caches and counters, so that the
   * first real request does not pay for one-time work (the engines' kernels and buffers for these
   * shapes, the exact search's per-segment copies). Takes about a second on a 100,000-image index.
   */
  public void warmUp() throws IOException {
    float[] query = model.encodeTexts(List.of("a photo of a dog on a beach"))[0];
    int size = model.preprocess().cropSize();
    model.encodeImages(new float[3 * size * size], 1);
    store.search(query, 1, 0, SearchFilter.NONE);
  }

  /**
   * The L2-normalised embedding of an uploaded image.
   *
   * @param encoded the file's bytes
   * @return the vector
   * @throws ImageDecodeException if the bytes are not a decodable image within the pixel limit
   */
  public float[] imageVector(byte[] encoded) throws ImageDecodeException {
    DecodedImage image = uploadDecoder.decode(encoded, "uploaded image");
    float[] pixels = uploadPreprocessor.preprocess(image);
    long start = System.nanoTime();
    float[] v = model.encodeImages(pixels, 1)[0];
    encoderSeconds.observe((System.nanoTime() - start) / 1e9, "image");
    return v;
  }

  /** The stored vector of an indexed image. */
  public Optional<float[]> storedVector(String id) throws IOException {
    return store.vector(id);
  }

  /** The record of an indexed image. */
  public Optional<ImageRecord> image(String id) throws IOException {
    return store.getById(id);
  }

  /** Nearest images to a normalised query vector; see {@link VectorStore#search}. */
  public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
      throws IOException {
    return store.search(query, k, offset, filter);
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
    ZeroShotClassifier classifier = ZeroShotClassifier.create(model, labels, templates);
    encoderSeconds.observe((System.nanoTime() - start) / 1e9, "text");
    return classifier.classify(imageVector);
  }

  /** Index counts and sizes. */
  public IndexStats stats() throws IOException {
    return store.stats();
  }

  /** Picks up the latest commit of the index; true if the view changed. */
  public boolean refresh() throws IOException {
    return store.refresh();
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
}
