package dev.glimpse.core.hub;

/** Passes on at most one report per interval, plus the first and the last. Not thread-safe. */
final class ThrottledProgress {

  static final long INTERVAL_NANOS = 200_000_000L;

  private final DownloadProgress target;
  private final String file;
  private final long total;
  private long lastReport = Long.MIN_VALUE;

  ThrottledProgress(DownloadProgress target, String file, long total) {
    this.target = target;
    this.file = file;
    this.total = total;
  }

  void update(long done) {
    long now = System.nanoTime();
    if (lastReport == Long.MIN_VALUE || now - lastReport >= INTERVAL_NANOS) {
      lastReport = now;
      target.update(file, done, total);
    }
  }

  void finish(long done) {
    target.update(file, done, total >= 0 ? total : done);
  }
}
