package dev.glimpse.cli;

import dev.glimpse.api.SearchService;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexException;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.indexing.FolderWatcher;
import dev.glimpse.core.indexing.IndexingOptions;
import dev.glimpse.core.indexing.WatchConfig;
import dev.glimpse.core.indexing.WatchListener;
import dev.glimpse.core.indexing.WritableIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --watch}: a folder watcher that indexes with the model the server serves. It holds a
 * session on the served pair, so that pair's model stays open while the watcher encodes with it;
 * when the server switches to another generation (a {@code --reindex}), the watcher is restarted on
 * the new pair, whose first batch is a full rescan into the new generation.
 */
final class ServedWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServedWatch.class);

  private final SearchService service;
  private final IndexHome home;
  private final IndexingOptions options;
  private final ImageDecoder decoder;
  private final WatchConfig config;
  private final ExecutorService restarts =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "glimpse-watch-restart"));
  private SearchService.Session session;
  private volatile FolderWatcher watcher;
  private boolean closed;

  ServedWatch(
      SearchService service,
      IndexHome home,
      IndexingOptions options,
      ImageDecoder decoder,
      WatchConfig config) {
    this.service = service;
    this.home = home;
    this.options = options;
    this.decoder = decoder;
    this.config = config;
  }

  /** Starts watching on the pair served now, and follows the service's switches. */
  synchronized void start() throws IOException {
    startOnCurrentPair();
    service.onSwitch(() -> restarts.execute(this::restart));
    // A hit whose file is gone is hidden by the server; the watcher removes its entry.
    service.onStaleFile(
        path -> {
          FolderWatcher w = watcher;
          Path parent = Path.of(path).getParent();
          if (w != null && parent != null) {
            w.requestRescan(parent);
          }
        });
  }

  private void startOnCurrentPair() throws IOException {
    SearchService.Session s = service.session();
    try {
      IndexConfig indexConfig =
          IndexConfig.forModel(
              s.manifest()
                  .orElseThrow(
                      () ->
                          new IndexException("the index at " + home.path() + " records no model")));
      FolderWatcher w =
          new FolderWatcher(
              WritableIndex.current(home, indexConfig),
              s.imageEncoder(),
              options,
              decoder,
              Set.of(home.path()),
              config,
              WatchListener.NONE);
      w.start();
      session = s;
      watcher = w;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private synchronized void restart() {
    if (closed) {
      return;
    }
    stopWatcher();
    try {
      startOnCurrentPair();
      LOG.info("folder watch follows index generation {}", session.generation());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot restart the folder watch on the new index generation: {}", e.toString());
    }
  }

  private void stopWatcher() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    if (session != null) {
      session.close();
      session = null;
    }
  }

  /** The folders watched. */
  int folders() {
    return options.roots().size();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      stopWatcher();
    }
    restarts.shutdown();
    try {
      restarts.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
