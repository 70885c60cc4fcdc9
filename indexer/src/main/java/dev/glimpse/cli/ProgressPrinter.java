package dev.glimpse.cli;

import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Indexing progress on stderr: a redrawn bar on a terminal (done/total, images/s, ETA, skipped), a
 * plain line every 10 seconds otherwise.
 */
final class ProgressPrinter implements IndexingListener {
  private static final long PLAIN_EVERY_NANOS = 10_000_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private long lastPlain;
  private boolean drew;

  ProgressPrinter(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public synchronized void progress(IndexingProgress p) {
    if (terminal) {
      err.print("\r" + bar(p) + "  " + line(p) + "   ");
      err.flush();
      drew = true;
    } else if (p.elapsedNanos() - lastPlain >= PLAIN_EVERY_NANOS) {
      lastPlain = p.elapsedNanos();
      err.println("indexing: " + line(p));
      err.flush();
    }
  }

  /** Ends the redrawn line. */
  synchronized void finish() {
    if (drew) {
      err.println();
      err.flush();
    }
  }

  private static String bar(IndexingProgress p) {
    int width = 24;
    int filled =
        p.walkDone() && p.discovered() > 0
            ? (int) Math.min(width, width * p.processed() / p.discovered())
            : 0;
    return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
  }

  private static String line(IndexingProgress p) {
    String total = p.walkDone() ? Long.toString(p.discovered()) : p.discovered() + "+";
    long eta = p.etaSeconds();
    return String.format(
        Locale.ROOT,
        "%d/%s files, %d encoded, %.1f images/s, ETA %s, %d skipped",
        p.processed(),
        total,
        p.indexed(),
        p.imagesPerSecond(),
        eta < 0 ? "?" : (eta >= 60 ? eta / 60 + "m" + eta % 60 + "s" : eta + "s"),
        p.skipped());
  }
}
