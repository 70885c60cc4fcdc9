package dev.glimpse.core.indexing;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an index in step with its photo folders while it runs.
 *
 * <p>Every folder under the roots is watched (Java's {@link WatchService}: inotify on Linux), new
 * folders as they appear, by the same rules as the indexing walk (hidden and excluded folders are
 * left out). Changes are collected until the folders have been quiet for {@link
 * WatchConfig#quietPeriod()} (or {@link WatchConfig#maxDelay()} has passed), then the changed
 * folders go through one {@link ImageIndexer} run: its walk and removal of vanished files handle
 * additions, modifications, deletions and renames (a renamed photo keeps its vector), and it
 * commits every {@link IndexingOptions#commitEvery()} images, so a burst of thousands of files is a
 * few runs with periodic commits.
 *
 * <p>A full rescan of every root runs at start (which is what makes a restart after a crash catch
 * up), every {@link WatchConfig#rescanInterval()}, after the file system dropped events (OVERFLOW),
 * and when the index {@link WritableIndex#location() location} changes. It catches what watching
 * misses: network mounts, folders beyond the platform's watch limit.
 *
 * <p>The writable store is opened for each batch and closed after it, so the watcher holds the
 * index's write lock only while it writes; a batch that cannot open the store (a {@code glimpse
 * index} runs) is retried after {@link WatchConfig#retryDelay()}. A root that is missing (an
 * unmounted drive) is skipped and its indexed photos are kept.
 *
 * <p>One thread ({@code glimpse-watch}) waits for events and runs the batches. {@link #close()}
 * interrupts a running batch: what it committed stays, the rest is redone by the next start.
 */
public final class FolderWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

  private final WritableIndex index;
  private final ImageEncoder encoder;
  private final IndexingOptions options;
  private final ImageDecoder decoder;
  private final Set<Path> excluded;
  private final WatchConfig config;
  private final WatchListener listener;
  private final List<Path> roots;
  private final FileWalker rules;
  private final PendingChanges pending;

  /** Folders others asked to look at again (e.g. a server that found a hit's file gone). */
  private final java.util.concurrent.ConcurrentLinkedQueue<Path> requested =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** How long the watcher waits for events at most before it looks at {@link #requested}. */
  private static final long REQUEST_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Map<WatchKey, Path> keys = new HashMap<>();
  private WatchService service;
  private Thread thread;
  private volatile Throwable died;
  private volatile boolean stopping;
  private volatile ImageIndexer running;
  private boolean warnedWatchLimit;
  private boolean failing;
  private Path lastLocation;

  /**
   * @param index where to write; opened for each batch
   * @param encoder the model's image tower; may be shared with other threads if it is thread-safe
   * @param options the roots to watch and how each batch indexes (batch size, threads, commits)
   * @param decoder the image decoder (its pixel limit applies)
   * @param excluded folders never watched or indexed, such as the index itself (the index's current
   *     location is always excluded)
   * @param config debounce and rescan timing
   * @param listener hears about each batch
   */
  public FolderWatcher(
      WritableIndex index,
      ImageEncoder encoder,
      IndexingOptions options,
      ImageDecoder decoder,
      Set<Path> excluded,
      WatchConfig config,
      WatchListener listener) {
    if (options.dryRun()) {
      throw new IllegalArgumentException("a folder watcher cannot run dry");
    }
    this.index = index;
    this.encoder = encoder;
    this.options = options;
    this.decoder = decoder;
    this.excluded = normalized(excluded);
    this.config = config;
    this.listener = listener;
    this.roots = options.roots().stream().map(r -> r.toAbsolutePath().normalize()).toList();
    this.rules = new FileWalker(options.includeHidden(), this.excluded);
    this.pending = new PendingChanges(config.quietPeriod(), config.maxDelay());
  }

  /**
   * Registers every folder under the roots, then starts the watcher's thread, whose first batch is
   * a full rescan. A change made after this returns is seen.
   *
   * @throws IOException if the platform's watch service cannot be created
   * @throws IllegalStateException if already started
   */
  public synchronized void start() throws IOException {
    if (service != null) {
      throw new IllegalStateException("a FolderWatcher starts once");
    }
    service = FileSystems.getDefault().newWatchService();
    for (Path root : roots) {
      registerTree(root);
    }
    LOG.info("watching {} folder(s) under {}", keys.size(), roots);
    pending.everythingNow(System.nanoTime());
    thread = Thread.ofPlatform().name("glimpse-watch").start(this::loop);
  }

  /**
   * Waits until the watcher stops: returns once {@link #close()} stopped it, throws if it died.
   *
   * @throws IOException if the watcher stopped on an error, with that error as the cause
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void await() throws IOException, InterruptedException {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      throw new IllegalStateException("the watcher was not started");
    }
    t.join();
    Throwable cause = died;
    if (cause != null) {
      throw new IOException("the folder watcher stopped: " + cause, cause);
    }
  }

  /**
   * Asks for a folder to be indexed again with the next batch, as if a change had been seen there:
   * for example the folder of a search hit whose file is gone, so that its entry is removed. A
   * folder outside the roots is ignored. Safe to call from any thread; returns at once.
   *
   * @param folder the folder
   */
  public void requestRescan(Path folder) {
    Path f = folder.toAbsolutePath().normalize();
    for (Path root : roots) {
      if (f.startsWith(root)) {
        requested.add(f);
        return;
      }
    }
  }

  /**
   * Stops watching: cancels a running batch (its committed work stays; the rest is redone by the
   * next start's rescan) and waits for the watcher's thread. Nothing is interrupted, so no index
   * I/O is cut off halfway. Closes no encoder it was given.
   */
  @Override
  public void close() {
    stopping = true;
    ImageIndexer batch = running;
    if (batch != null) {
      batch.cancel();
    }
    closeService(); // wakes the thread if it waits for events
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      boolean interrupted = false;
      while (true) {
        try {
          t.join(); // not long: the batch unwinds at its next file
          break;
        } catch (InterruptedException e) {
          interrupted = true; // closing anyway; keep the caller's interrupt for later
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    try {
      long nextRescan = System.nanoTime() + config.rescanInterval().toNanos();
      while (!stopping) {
        long now = System.nanoTime();
        for (Path folder = requested.poll(); folder != null; folder = requested.poll()) {
          pending.folder(folder, now);
        }
        if (now - nextRescan >= 0) {
          pending.everythingNow(now);
          nextRescan = now + config.rescanInterval().toNanos();
        }
        if (pending.isDue(now)) {
          PendingChanges.Batch batch = pending.take();
          if (batch.fullRescan()) {
            nextRescan = now + config.rescanInterval().toNanos();
          }
          runBatch(batch);
          continue;
        }
        long wait = nextRescan - now;
        if (!pending.isEmpty()) {
          wait = Math.min(wait, pending.nanosUntilDue(now));
        }
        wait = Math.min(wait, REQUEST_CHECK_NANOS);
        WatchKey key = service.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
        while (key != null) {
          handle(key);
          key = service.poll(); // everything already queued joins this round
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // close() (or an interrupt): stop quietly.
    } catch (Throwable t) {
      died = t;
      LOG.error("the folder watcher stopped", t);
    } finally {
      closeService();
    }
  }

  @SuppressWarnings("ReferenceEquality") // event kinds are singletons, compared as the JDK does
  private void handle(WatchKey key) {
    Path dir = keys.get(key);
    long now = System.nanoTime();
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        LOG.info("the file system dropped events; rescanning every folder");
        pending.everything(now);
        continue;
      }
      if (dir == null || !(event.context() instanceof Path name)) {
        continue;
      }
      Path child = dir.resolve(name);
      if (rules.skipsFolder(child)) {
        continue; // hidden or excluded (such as the index): a change there is not a photo change
      }
      if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
        registerTree(child);
      }
      pending.folder(dir, now);
    }
    if (!key.reset()) {
      keys.remove(key); // the folder is gone; its parent's event covers it
    }
  }

  private void runBatch(PendingChanges.Batch batch) throws InterruptedException {
    long now = System.nanoTime();
    try {
      Path location = index.location().toAbsolutePath().normalize();
      boolean full = batch.fullRescan();
      if (lastLocation != null && !lastLocation.equals(location)) {
        LOG.info("the index moved to {}; rescanning every folder", location);
        full = true;
      }
      if (full) {
        for (Path root : roots) {
          registerTree(root); // a remounted root, folders past the watch limit earlier
        }
      }
      List<Path> folders = existingFolders(full ? roots : batch.folders());
      if (folders.isEmpty()) {
        return;
      }
      Set<Path> skip = new HashSet<>(excluded);
      skip.add(location);
      IndexingSummary summary;
      try (VectorStore store = index.open(location)) {
        ImageIndexer indexer =
            new ImageIndexer(
                encoder, store, options.withRoots(folders), decoder, skip, IndexingListener.NONE);
        running = indexer;
        if (stopping) {
          indexer.cancel(); // close() came between its check and this batch
        }
        summary = indexer.run();
      } finally {
        running = null;
      }
      lastLocation = location;
      failing = false;
      log(folders, full, summary);
      listener.batchDone(new WatchBatch(folders, full, summary));
    } catch (IOException | RuntimeException e) {
      if (stopping) {
        return; // cancelled by close()
      }
      if (!failing) {
        LOG.warn(
            "cannot index the changes (will retry every {} s): {}",
            config.retryDelay().toSeconds(),
            e.toString());
      }
      failing = true;
      pending.retry(batch, now, config.retryDelay());
    }
  }

  /**
   * The folders to walk: each changed folder, or its nearest existing ancestor if it is gone, but
   * never a missing root (an unmounted drive must not look like deleted photos).
   */
  private List<Path> existingFolders(List<Path> folders) {
    List<Path> out = new ArrayList<>();
    for (Path f : folders) {
      Optional<Path> root = roots.stream().filter(f::startsWith).findFirst();
      if (root.isEmpty()) {
        continue;
      }
      Path p = f;
      while (!p.equals(root.get()) && !Files.isDirectory(p)) {
        p = p.getParent();
      }
      if (!Files.isDirectory(p)) {
        LOG.warn("the watched folder {} is missing; its indexed photos are kept", p);
        continue;
      }
      Path found = p;
      if (out.stream().noneMatch(found::startsWith)) {
        out.removeIf(o -> o.startsWith(found));
        out.add(found);
      }
    }
    return out;
  }

  /** Watches a folder and every folder below it that the indexing walk would enter. */
  private void registerTree(Path start) {
    try {
      Files.walkFileTree(
          start,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!roots.contains(dir) && rules.skipsFolder(dir)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              register(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult
                  .CONTINUE; // loops, unreadable or vanished: the walk reports them
            }
          });
    } catch (IOException e) {
      LOG.warn("cannot watch {}: {}", start, e.toString());
    }
  }

  private void register(Path dir) {
    try {
      keys.put(dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), dir);
    } catch (IOException e) {
      if (!warnedWatchLimit) {
        LOG.warn(
            "cannot watch {} ({}); folders that cannot be watched are indexed by the periodic"
                + " rescan only. On Linux, raise fs.inotify.max_user_watches",
            dir,
            e.toString());
        warnedWatchLimit = true;
      }
    }
  }

  private void log(List<Path> folders, boolean full, IndexingSummary s) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s: %d indexed, %d reused, %d removed, %d unchanged, %d skipped in %.1f s",
            full ? "rescan of " + folders : "changes in " + folders,
            s.indexed(),
            s.reused(),
            s.removed(),
            s.unchanged(),
            s.skippedTotal(),
            s.elapsed().toMillis() / 1e3));
  }

  private synchronized void closeService() {
    try {
      if (service != null) {
        service.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the watch service failed", e);
    }
  }

  private static Set<Path> normalized(Set<Path> paths) {
    Set<Path> out = new HashSet<>();
    for (Path p : paths) {
      out.add(p.toAbsolutePath().normalize());
    }
    return Set.copyOf(out);
  }
}
