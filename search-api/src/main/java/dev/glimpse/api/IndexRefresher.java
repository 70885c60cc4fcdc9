package dev.glimpse.api;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the index for new commits on one named background thread, so that a {@code glimpse index}
 * running beside the server shows up without a restart. Failures are logged once per streak and
 * retried at the next tick.
 */
final class IndexRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRefresher.class);

  private final SearchService service;
  private final Duration interval;
  private ScheduledExecutorService executor;
  private boolean failing;

  IndexRefresher(SearchService service, Duration interval) {
    this.service = service;
    this.interval = interval;
  }

  synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "glimpse-index-refresh");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    // The future is not kept: tick() catches and logs its own failures, and stop() ends the
    // executor.
    var unused = executor.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
  }

  synchronized void stop() throws InterruptedException {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    executor = null;
  }

  private void tick() {
    try {
      if (service.refresh()) {
        LOG.info("index refreshed: {} images", service.stats().images());
      }
      failing = false;
    } catch (Exception e) {
      if (!failing) {
        LOG.warn("cannot refresh the index (will retry): {}", e.toString());
      }
      failing = true;
    }
  }
}
