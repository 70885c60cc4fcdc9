package dev.glimpse.core.indexing;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FolderWatcher} batches changes.
 *
 * @param quietPeriod a batch runs once no change has arrived for this long, so that a copy of many
 *     files becomes one run rather than one run per file
 * @param maxDelay and at the latest this long after its first change, so that a folder that never
 *     goes quiet (a camera upload, a sync client) is still indexed; at least {@code quietPeriod}
 * @param rescanInterval every this often all roots are walked again, to catch what the file system
 *     did not report: dropped events (OVERFLOW), network mounts, folders past the watch limit
 * @param retryDelay after a failed batch (e.g. another process holds the index's write lock), its
 *     folders are tried again after this long
 */
public record WatchConfig(
    Duration quietPeriod, Duration maxDelay, Duration rescanInterval, Duration retryDelay) {

  /** Default quiet period: 1 s. */
  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(1);

  /** Default longest wait after a first change: 5 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(5);

  /** Default full rescan interval: 10 min. */
  public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofMinutes(10);

  /** Default wait before a failed batch is retried: 5 s. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(5);

  /** Validates the values. */
  public WatchConfig {
    positive(quietPeriod, "quiet period");
    positive(maxDelay, "maximum delay");
    positive(rescanInterval, "rescan interval");
    positive(retryDelay, "retry delay");
    if (maxDelay.compareTo(quietPeriod) < 0) {
      throw new IllegalArgumentException(
          "maximum delay " + maxDelay + " is shorter than the quiet period " + quietPeriod);
    }
  }

  /** The defaults: 1 s quiet, 5 s at most, a full rescan every 10 min, retries after 5 s. */
  public static WatchConfig defaults() {
    return new WatchConfig(
        DEFAULT_QUIET_PERIOD, DEFAULT_MAX_DELAY, DEFAULT_RESCAN_INTERVAL, DEFAULT_RETRY_DELAY);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
