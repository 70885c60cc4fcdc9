package dev.glimpse.cli;

import dev.glimpse.core.hub.DownloadProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** Download progress on stderr: a redrawn line on a terminal, a plain line every 10% otherwise. */
final class ConsoleProgress implements DownloadProgress {
  private final PrintWriter err;
  private final boolean terminal;
  private String currentFile;
  private long lastDecile = -1;

  ConsoleProgress(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public synchronized void update(String file, long done, long total) {
    if (!file.equals(currentFile)) {
      currentFile = file;
      lastDecile = -1;
    }
    String size = total > 0 ? mb(done) + " / " + mb(total) : mb(done);
    int pct = total > 0 ? (int) (100 * done / total) : -1;
    if (terminal) {
      err.print("\rdownloading " + file + "  " + size + (pct >= 0 ? "  " + pct + "%" : "") + "   ");
      if (total > 0 && done >= total) {
        err.println();
      }
      err.flush();
      return;
    }
    long decile = pct >= 0 ? pct / 10 : done / (50L << 20);
    if (decile != lastDecile) {
      lastDecile = decile;
      err.println("downloading " + file + ": " + size + (pct >= 0 ? " (" + pct + "%)" : ""));
      err.flush();
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
