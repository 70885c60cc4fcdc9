package dev.glimpse.core.indexing;

import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.DecodedImage;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.image.PreprocessConfig;
import dev.glimpse.core.index.ContentHash;
import dev.glimpse.core.index.FileState;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.LastRun;
import dev.glimpse.core.index.MetadataReader;
import dev.glimpse.core.index.PhotoWords;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns photo folders into index entries, incrementally.
 *
 * <p>Stages, each on its own named thread(s), joined by bounded queues so memory stays flat however
 * many photos there are:
 *
 * <ol>
 *   <li>the walker lists files and drops those whose size and mtime match the index;
 *   <li>decode workers read, hash, reuse the vector of identical content when the index has it,
 *       otherwise decode (downscaled where the codec can) and preprocess;
 *   <li>the encoder batches preprocessed images through the model;
 *   <li>the writer upserts records and vectors and commits every N images and T seconds.
 * </ol>
 *
 * <p>Files that cannot be indexed are skipped, counted and named; they never stop the run. After
 * the walk, indexed files under the roots that no longer exist are removed, except under folders
 * that could not be listed. A crash loses at most the work since the last commit: the next run
 * finds committed files unchanged and redoes the rest, without duplicates (the path is the key).
 */
public final class ImageIndexer {
  private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);

  private final ImageEncoder encoder;
  private final VectorStore store;
  private final IndexingOptions options;
  private final ImageDecoder decoder;
  private final ClipPreprocessor preprocessor;
  private final IndexingListener listener;
  private final Set<Path> excluded;
  private final Optional<VectorStore> metadataFrom;

  // Run state; one run per instance.
  private final AtomicLong discovered = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong unchanged = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private final ConcurrentLinkedQueue<SkippedFile> skips = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Map<String, String> claimedHashes = new ConcurrentHashMap<>();
  private volatile boolean walkDone;
  private volatile boolean cancelled;
  private boolean used;
  private volatile boolean readMissingWords;

  /**
   * @param encoder the model's image tower; unused in a dry run
   * @param store the index to update
   * @param decoder the image decoder (its pixel limit applies)
   * @param excluded folders never to walk into, such as the index itself
   */
  public ImageIndexer(
      ImageEncoder encoder,
      VectorStore store,
      IndexingOptions options,
      ImageDecoder decoder,
      Set<Path> excluded,
      IndexingListener listener) {
    this(encoder, store, options, decoder, excluded, listener, Optional.empty());
  }

  /**
   * An indexer that takes the metadata of files whose content is unchanged from another index
   * instead of reading it again: what a re-index with another model does, since only the vectors
   * change.
   *
   * @param metadataFrom an index of the same folders (e.g. the generation being replaced)
   */
  public ImageIndexer(
      ImageEncoder encoder,
      VectorStore store,
      IndexingOptions options,
      ImageDecoder decoder,
      Set<Path> excluded,
      IndexingListener listener,
      Optional<VectorStore> metadataFrom) {
    this.metadataFrom = metadataFrom;
    this.encoder = encoder;
    this.store = store;
    this.options = options;
    this.decoder = decoder;
    this.preprocessor = new ClipPreprocessor(encoder.preprocess(), decoder);
    this.excluded = Set.copyOf(excluded);
    this.listener = listener;
  }

  /**
   * Asks a running (or not yet started) {@link #run()} to stop soon: its stages unwind, nothing
   * more is written or committed, and {@code run} throws {@link CancellationException}. Work
   * committed so far stays. No thread is interrupted, so no index I/O is cut off halfway. Safe to
   * call from any thread.
   */
  public void cancel() {
    cancelled = true;
    failure.compareAndSet(null, new CancellationException("indexing cancelled"));
  }

  /**
   * A dry run: the walk, size limit, hashing, format detection, header pixel limit, decode and
   * preprocessing of {@link #run()}, on the same workers, so its counts are those the real run
   * would have; it encodes nothing, needs no model and writes nothing.
   *
   * @param index the existing index, only read; empty where there is none yet (or it is to be
   *     replaced), so that every file counts as new
   * @param options with {@link IndexingOptions#dryRun()} set
   * @param decoder the decoder the real run would use (its pixel limit applies)
   * @param preprocess the preprocessing of the index's model: its shortest edge sets how far JPEGs
   *     are downscaled while decoding
   * @param excluded folders never to walk into, such as the index itself
   */
  public static ImageIndexer dryRun(
      Optional<VectorStore> index,
      IndexingOptions options,
      ImageDecoder decoder,
      PreprocessConfig preprocess,
      Set<Path> excluded,
      IndexingListener listener) {
    if (!options.dryRun()) {
      throw new IllegalArgumentException("ImageIndexer.dryRun needs options with dryRun set");
    }
    ImageEncoder noModel =
        new ImageEncoder() {
          @Override
          public PreprocessConfig preprocess() {
            return preprocess;
          }

          @Override
          public float[][] encode(float[] pixels, int count) {
            throw new IllegalStateException("a dry run encodes nothing");
          }
        };
    return new ImageIndexer(
        noModel, index.orElseGet(NoIndex::new), options, decoder, excluded, listener);
  }

  /**
   * Runs the job. Throws only when the index cannot be read or written, the model fails, or the run
   * is {@linkplain #cancel() cancelled}.
   */
  public synchronized IndexingSummary run() throws IOException, InterruptedException {
    if (used) {
      throw new IllegalStateException("an ImageIndexer runs once");
    }
    used = true;
    long start = System.nanoTime();
    Map<String, FileState> existing = new HashMap<>();
    for (Path root : options.roots()) {
      existing.putAll(store.filesUnder(root));
    }
    // An index written before Glimpse read photos' words: read every file once more for its words
    // (no image is encoded again), so that keyword search covers the old images too.
    readMissingWords = !existing.isEmpty() && store.imagesWithWords() < store.stats().images();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Thread reporter =
        Thread.ofPlatform().name("glimpse-progress").daemon().start(() -> report(start));
    Set<Path> incomplete;
    try {
      incomplete = options.dryRun() ? dryRun(existing, seen) : pipeline(existing, seen);
    } finally {
      walkDone = true;
      reporter.interrupt();
      reporter.join();
    }
    if (cancelled) {
      throw new CancellationException("indexing cancelled");
    }
    removeDeleted(existing, seen, incomplete);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    IndexingSummary summary = summary(elapsed);
    if (!options.dryRun()) {
      store.commit(RunRecord.of(summary, Instant.now()));
    }
    listener.progress(snapshot(start));
    return summary;
  }

  private Set<Path> pipeline(Map<String, FileState> existing, Set<String> seen)
      throws IOException, InterruptedException {
    int workers = options.decodeThreads();
    int batch = options.batchSize();
    BlockingQueue<Object> work = new ArrayBlockingQueue<>(workers * 8 + 64);
    BlockingQueue<Object> prepared = new ArrayBlockingQueue<>(batch * 2);
    BlockingQueue<Object> writes = new ArrayBlockingQueue<>(batch * 4);
    AtomicInteger liveWorkers = new AtomicInteger(workers);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      threads.add(
          Thread.ofPlatform()
              .name("glimpse-decode-" + i)
              .start(guard(() -> decodeLoop(work, prepared, writes, existing, liveWorkers))));
    }
    threads.add(
        Thread.ofPlatform()
            .name("glimpse-encode")
            .start(guard(() -> encodeLoop(prepared, writes))));
    threads.add(Thread.ofPlatform().name("glimpse-write").start(guard(() -> writeLoop(writes))));
    Set<Path> incomplete = walk(work, existing, seen, workers);
    joinAll(threads);
    rethrowFailure();
    return incomplete;
  }

  /**
   * Waits for every stage. An interrupt (e.g. a folder watcher closing) makes the stages unwind
   * first, so that no stage still writes to the store once this returns; then it is rethrown.
   */
  private void joinAll(List<Thread> threads) throws InterruptedException {
    InterruptedException interrupted = null;
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = interrupted == null ? e : interrupted;
          failure.compareAndSet(null, e);
        }
      }
    }
    if (interrupted != null) {
      throw interrupted;
    }
  }

  /** Walker side: decides from size and mtime alone whether a file needs work. */
  private boolean admit(FileWalker.Candidate c, Map<String, FileState> existing, Set<String> seen) {
    String path = c.path().toString();
    seen.add(path);
    discovered.incrementAndGet();
    if (c.size() > options.maxFileBytes()) {
      skip(new SkippedFile(path, SkipReason.TOO_LARGE, c.size() + " bytes"));
      return false;
    }
    FileState state = existing.get(path);
    if (state != null
        && state.size() == c.size()
        && state.mtime() == c.mtime()
        && !readMissingWords) {
      unchanged.incrementAndGet();
      processed.incrementAndGet();
      return false;
    }
    return true;
  }

  private void decodeLoop(
      BlockingQueue<Object> work,
      BlockingQueue<Object> prepared,
      BlockingQueue<Object> writes,
      Map<String, FileState> existing,
      AtomicInteger liveWorkers)
      throws Exception {
    try {
      while (true) {
        Object item = take(work);
        if (item == Pill.INSTANCE) {
          break;
        }
        decodeOne((FileWalker.Candidate) item, prepared, writes, existing);
      }
    } finally {
      if (liveWorkers.decrementAndGet() == 0) {
        putUnlessFailed(prepared, Pill.INSTANCE);
      }
    }
  }

  private void decodeOne(
      FileWalker.Candidate c,
      BlockingQueue<Object> prepared,
      BlockingQueue<Object> writes,
      Map<String, FileState> existing)
      throws IOException {
    Object result = probe(c, existing);
    if (result instanceof Prepared) {
      put(prepared, result);
    } else if (result != null) {
      put(writes, result);
    }
  }

  /**
   * Decides what one file needs, as far as it can be known before encoding: the real run and the
   * dry run both go through here, so their skip rules cannot drift apart.
   *
   * @return a {@link Write} (unchanged or reused), a {@link Duplicate} of a file claimed in this
   *     run, a {@link Failed} decode (already reported as a skip), a {@link Prepared} image to
   *     encode, or null when the file was skipped before it was hashed
   */
  private Object probe(FileWalker.Candidate c, Map<String, FileState> existing) throws IOException {
    Path file = c.path();
    String path = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      // A name that is not valid in the platform encoding cannot be opened by the decoded name.
      boolean badName = path.indexOf('\uFFFD') >= 0;
      skip(
          new SkippedFile(
              path,
              badName ? SkipReason.UNREADABLE : SkipReason.VANISHED,
              badName ? "the file name is not valid UTF-8: " + e : e.toString()));
      return null;
    } catch (AccessDeniedException e) {
      skip(new SkippedFile(path, SkipReason.UNREADABLE, e.toString()));
      return null;
    } catch (IOException | OutOfMemoryError e) {
      skip(new SkippedFile(path, SkipReason.UNREADABLE, e.toString()));
      return null;
    }
    if (bytes.length == 0) {
      skip(new SkippedFile(path, SkipReason.EMPTY, "zero bytes"));
      return null;
    }
    String hash = ContentHash.of(bytes);
    FileState state = existing.get(path);
    if (state != null && state.hash().equals(hash)) {
      // Touched, not changed: keep the vector and metadata, record the new mtime.
      Optional<ImageRecord> old = store.getByPath(path);
      Optional<float[]> vector = store.vectorByHash(hash);
      if (old.isPresent() && vector.isPresent()) {
        ImageMetadata kept = withWords(old.get().metadata(), bytes);
        ImageRecord r = ImageRecord.of(file, bytes.length, c.mtime(), hash, kept);
        return new Write(r, vector.get(), Outcome.UNCHANGED);
      }
    }
    ImageMetadata metadata =
        knownMetadata(path, hash)
            .map(m -> withWords(m, bytes))
            .orElseGet(() -> MetadataReader.read(bytes));
    ImageRecord record = ImageRecord.of(file, bytes.length, c.mtime(), hash, metadata);
    if (claimedHashes.putIfAbsent(hash, path) != null) {
      return new Duplicate(record);
    }
    Optional<float[]> known = store.vectorByHash(hash);
    if (known.isPresent()) {
      return new Write(record, known.get(), Outcome.REUSED);
    }
    float[] pixels;
    try {
      DecodedImage image =
          decoder.decodeDownscaled(bytes, path, encoder.preprocess().shortestEdge());
      pixels = preprocessor.preprocess(image);
    } catch (ImageDecodeException e) {
      SkippedFile s = new SkippedFile(path, SkipReason.of(e.reason()), e.getMessage());
      skip(s);
      return new Failed(hash, s.reason());
    } catch (RuntimeException | OutOfMemoryError e) {
      SkippedFile s = new SkippedFile(path, SkipReason.CORRUPT, e.toString());
      skip(s);
      return new Failed(hash, s.reason());
    }
    return new Prepared(record, pixels);
  }

  /** Metadata read before Glimpse read words gets the file's words now. */
  private static ImageMetadata withWords(ImageMetadata metadata, byte[] bytes) {
    if (metadata.words().isPresent()) {
      return metadata;
    }
    return metadata.withWords(MetadataReader.read(bytes).words().orElse(PhotoWords.NONE));
  }

  /** The metadata the other index holds for this path, if its content there is the same. */
  private Optional<ImageMetadata> knownMetadata(String path, String hash) throws IOException {
    if (metadataFrom.isEmpty()) {
      return Optional.empty();
    }
    return metadataFrom
        .get()
        .getByPath(path)
        .filter(r -> r.hash().equals(hash))
        .map(ImageRecord::metadata);
  }

  private void encodeLoop(BlockingQueue<Object> prepared, BlockingQueue<Object> writes)
      throws InterruptedException {
    int batch = options.batchSize();
    int per = encoder.preprocess().outputLength();
    List<Prepared> items = new ArrayList<>(batch);
    boolean done = false;
    try {
      while (!done) {
        Object first = take(prepared);
        if (first == Pill.INSTANCE) {
          break;
        }
        items.add((Prepared) first);
        while (items.size() < batch) {
          Object next = prepared.poll(50, TimeUnit.MILLISECONDS);
          if (next == null) {
            break;
          }
          if (next == Pill.INSTANCE) {
            done = true;
            break;
          }
          items.add((Prepared) next);
        }
        float[] pixels = new float[items.size() * per];
        for (int i = 0; i < items.size(); i++) {
          System.arraycopy(items.get(i).pixels(), 0, pixels, i * per, per);
        }
        float[][] vectors = encoder.encode(pixels, items.size());
        for (int i = 0; i < items.size(); i++) {
          put(writes, new Write(items.get(i).record(), vectors[i], Outcome.INDEXED));
        }
        items.clear();
      }
    } finally {
      putUnlessFailed(writes, Pill.INSTANCE);
    }
  }

  private void writeLoop(BlockingQueue<Object> writes) throws IOException, InterruptedException {
    Map<String, List<ImageRecord>> waiting = new HashMap<>();
    Map<String, SkipReason> failedHashes = new HashMap<>();
    long sinceCommit = 0;
    long lastCommit = System.nanoTime();
    while (true) {
      Object op = take(writes);
      if (op == Pill.INSTANCE) {
        break;
      }
      if (failure.get() != null) {
        throw new RunFailedException(); // stop writing; producers see the failure and stop too
      }
      switch (op) {
        case Write w -> {
          store.upsert(w.record(), w.vector());
          count(w.outcome());
          sinceCommit++;
          for (ImageRecord dup : waiting.getOrDefault(w.record().hash(), List.of())) {
            store.upsert(dup, w.vector());
            count(Outcome.REUSED);
            sinceCommit++;
          }
          waiting.remove(w.record().hash());
        }
        case Duplicate d -> {
          SkipReason failed = failedHashes.get(d.record().hash());
          if (failed != null) {
            skip(new SkippedFile(d.record().path(), failed, "same content as a skipped file"));
            break;
          }
          store.refresh();
          Optional<float[]> v = store.vectorByHash(d.record().hash());
          if (v.isPresent()) {
            store.upsert(d.record(), v.get());
            count(Outcome.REUSED);
            sinceCommit++;
          } else {
            waiting.computeIfAbsent(d.record().hash(), h -> new ArrayList<>()).add(d.record());
          }
        }
        case Failed f -> {
          failedHashes.put(f.hash(), f.reason());
          for (ImageRecord dup : waiting.getOrDefault(f.hash(), List.of())) {
            skip(new SkippedFile(dup.path(), f.reason(), "same content as a skipped file"));
          }
          waiting.remove(f.hash());
        }
        default -> throw new IllegalStateException("unexpected " + op);
      }
      long now = System.nanoTime();
      if (sinceCommit >= options.commitEvery()
          || (sinceCommit > 0 && now - lastCommit >= options.commitInterval().toNanos())) {
        store.commit();
        sinceCommit = 0;
        lastCommit = now;
      }
    }
  }

  /**
   * The real run's walk and {@link #probe} on the same decode workers, with the encoder and the
   * writer replaced by counting: images that would be encoded count as indexed, duplicates take the
   * outcome of the file that claimed their content (reused, or skipped for its reason).
   */
  private Set<Path> dryRun(Map<String, FileState> existing, Set<String> seen)
      throws IOException, InterruptedException {
    int workers = options.decodeThreads();
    BlockingQueue<Object> work = new ArrayBlockingQueue<>(workers * 8 + 64);
    Map<String, SkipReason> failedHashes = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<ImageRecord> duplicates = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      threads.add(
          Thread.ofPlatform()
              .name("glimpse-probe-" + i)
              .start(
                  guard(
                      () -> {
                        for (Object item = take(work); item != Pill.INSTANCE; item = take(work)) {
                          switch (probe((FileWalker.Candidate) item, existing)) {
                            case null -> {}
                            case Write w -> count(w.outcome());
                            case Prepared p -> count(Outcome.INDEXED);
                            case Duplicate d -> duplicates.add(d.record());
                            case Failed f -> failedHashes.put(f.hash(), f.reason());
                            default -> throw new IllegalStateException("unexpected probe result");
                          }
                        }
                      })));
    }
    Set<Path> incomplete = walk(work, existing, seen, workers);
    for (Thread t : threads) {
      t.join();
    }
    rethrowFailure();
    for (ImageRecord dup : duplicates) {
      SkipReason failed = failedHashes.get(dup.hash());
      if (failed != null) {
        skip(new SkippedFile(dup.path(), failed, "same content as a skipped file"));
      } else {
        count(Outcome.REUSED);
      }
    }
    return incomplete;
  }

  /**
   * The walker: queues the files that need work for the decode workers, then one end marker per
   * worker. Stops early once the run has failed or been cancelled.
   *
   * @return the folders that could not be listed completely
   */
  private Set<Path> walk(
      BlockingQueue<Object> work, Map<String, FileState> existing, Set<String> seen, int workers) {
    Set<Path> incomplete = Set.of();
    try {
      incomplete =
          new FileWalker(options.includeHidden(), excluded)
              .walk(
                  options.roots(),
                  c -> {
                    if (failure.get() != null || Thread.currentThread().isInterrupted()) {
                      throw new RunFailedException(); // a long walk of unchanged files stops too
                    }
                    if (admit(c, existing, seen)) {
                      put(work, c);
                    }
                  },
                  this::skip);
    } catch (RuntimeException | IOException e) {
      failure.compareAndSet(null, e);
    } finally {
      walkDone = true;
      for (int i = 0; i < workers; i++) {
        putUnlessFailed(work, Pill.INSTANCE);
      }
    }
    return incomplete;
  }

  private void removeDeleted(
      Map<String, FileState> existing, Set<String> seen, Set<Path> incomplete) throws IOException {
    for (String path : existing.keySet()) {
      if (seen.contains(path) || underAny(path, incomplete)) {
        continue;
      }
      if (!options.dryRun()) {
        store.delete(path);
      }
      removed.incrementAndGet();
    }
  }

  /** Whether an indexed path lies in one of the folders, read in the folders' file system. */
  private static boolean underAny(String path, Set<Path> folders) {
    for (Path f : folders) {
      if (f.getFileSystem().getPath(path).startsWith(f)) {
        return true;
      }
    }
    return false;
  }

  private void count(Outcome o) {
    switch (o) {
      case INDEXED -> indexed.incrementAndGet();
      case UNCHANGED -> unchanged.incrementAndGet();
      case REUSED -> reused.incrementAndGet();
    }
    processed.incrementAndGet();
  }

  private void skip(SkippedFile s) {
    skips.add(s);
    if (s.reason() != SkipReason.UNREADABLE_FOLDER && s.reason() != SkipReason.LINK_LOOP) {
      processed.incrementAndGet();
    }
  }

  private IndexingSummary summary(Duration elapsed) {
    Map<SkipReason, Long> byReason = new EnumMap<>(SkipReason.class);
    List<SkippedFile> files = new ArrayList<>(skips);
    for (SkippedFile s : files) {
      byReason.merge(s.reason(), 1L, Long::sum);
    }
    return new IndexingSummary(
        indexed.get(),
        unchanged.get(),
        reused.get(),
        removed.get(),
        byReason,
        files,
        elapsed,
        options.dryRun());
  }

  private IndexingProgress snapshot(long start) {
    return new IndexingProgress(
        discovered.get(),
        walkDone,
        processed.get(),
        indexed.get(),
        skips.size(),
        System.nanoTime() - start);
  }

  private void report(long start) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(PROGRESS_EVERY.toMillis());
        listener.progress(snapshot(start));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void put(BlockingQueue<Object> q, Object item) {
    try {
      while (!q.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          throw new RunFailedException();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailedException();
    }
  }

  /** Takes the next item, giving up (by unwinding) once another stage has failed. */
  private Object take(BlockingQueue<Object> q) throws InterruptedException {
    while (true) {
      Object item = q.poll(100, TimeUnit.MILLISECONDS);
      if (item != null) {
        return item;
      }
      if (failure.get() != null) {
        throw new RunFailedException();
      }
    }
  }

  /** End-of-stream markers must get through unless the run already failed. */
  private void putUnlessFailed(BlockingQueue<Object> q, Object item) {
    try {
      put(q, item);
    } catch (RunFailedException e) {
      // The run is failing; consumers check the failure flag and stop on their own.
    }
  }

  private Runnable guard(ThrowingRunnable body) {
    return () -> {
      try {
        body.run();
      } catch (RunFailedException e) {
        // Another stage failed first; its failure is the one reported.
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
  }

  private void rethrowFailure() throws IOException {
    Throwable t = failure.get();
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IOException("indexing failed: " + t, t);
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Thrown inside stages to unwind after another stage failed. */
  private static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException() {
      super(null, null, false, false);
    }
  }

  private enum Pill {
    INSTANCE
  }

  private enum Outcome {
    INDEXED,
    UNCHANGED,
    REUSED
  }

  private record Prepared(ImageRecord record, float[] pixels) {}

  private record Write(ImageRecord record, float[] vector, Outcome outcome) {}

  private record Duplicate(ImageRecord record) {}

  private record Failed(String hash, SkipReason reason) {}

  /** The run summary stored in the index's commit data. */
  static final class RunRecord {
    private RunRecord() {}

    static LastRun of(IndexingSummary s, Instant finished) {
      Map<String, Long> skipped = new LinkedHashMap<>();
      for (SkipReason r : SkipReason.values()) {
        Long n = s.skipped().get(r);
        if (n != null) {
          skipped.put(r.label(), n);
        }
      }
      return new LastRun(
          finished,
          s.indexed(),
          s.unchanged(),
          s.reused(),
          s.removed(),
          skipped,
          s.elapsed().toMillis() / 1e3);
    }
  }
}
