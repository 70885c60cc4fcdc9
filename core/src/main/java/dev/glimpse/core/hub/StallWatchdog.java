package dev.glimpse.core.hub;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response stream on which no data arrived for a while, since {@link
 * java.net.http.HttpClient} has no read timeout. A closed stream then reads as ended; {@link
 * #stalled()} tells that apart from a real end.
 */
final class StallWatchdog implements Closeable {

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "glimpse-hub-stall-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final InputStream stream;
  private final long timeoutNanos;
  private final ScheduledFuture<?> task;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean stalled;

  StallWatchdog(InputStream stream, Duration timeout) {
    this.stream = stream;
    this.timeoutNanos = timeout.toNanos();
    long period = Math.max(1, timeout.toMillis() / 4);
    this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** Records that data arrived. */
  void progressed() {
    lastProgress = System.nanoTime();
  }

  /** Whether the stream was closed because it stalled. */
  boolean stalled() {
    return stalled;
  }

  private void check() {
    if (!stalled && System.nanoTime() - lastProgress > timeoutNanos) {
      stalled = true;
      try {
        stream.close();
      } catch (IOException e) {
        // nothing more to do; the reader sees the end of the stream either way
      }
    }
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
