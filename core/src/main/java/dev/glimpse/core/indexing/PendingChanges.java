package dev.glimpse.core.indexing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The changes a {@link FolderWatcher} has seen but not indexed yet, and when they are due: after a
 * quiet period, or a maximum delay after the first change, or at once for a requested rescan. Times
 * are {@link System#nanoTime()} values. Owned by the watcher's thread; not thread-safe.
 */
final class PendingChanges {
  /** What one batch walks. */
  record Batch(List<Path> folders, boolean fullRescan) {}

  private final long quietNanos;
  private final long maxDelayNanos;
  private final Set<Path> folders = new HashSet<>();
  private boolean any;
  private boolean full;
  private boolean immediate;
  private long first;
  private long last;
  private boolean held;
  private long notBefore;

  PendingChanges(Duration quietPeriod, Duration maxDelay) {
    this.quietNanos = quietPeriod.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
  }

  /** A change in a folder (a file or subfolder in it was created, modified or deleted). */
  void folder(Path folder, long now) {
    folders.add(folder);
    touch(now);
  }

  /** Events were lost: walk every root, once things are quiet. */
  void everything(long now) {
    full = true;
    touch(now);
  }

  /** Walk every root as soon as possible (at start, periodically). */
  void everythingNow(long now) {
    full = true;
    immediate = true;
    touch(now);
  }

  boolean isEmpty() {
    return !any;
  }

  /** Nanoseconds from {@code now} until the batch is due, 0 if it is; only when not empty. */
  long nanosUntilDue(long now) {
    long due = immediate ? first : Math.min(last + quietNanos, first + maxDelayNanos);
    long wait = due - now;
    if (held) {
      wait = Math.max(wait, notBefore - now);
    }
    return Math.max(0, wait);
  }

  boolean isDue(long now) {
    return any && nanosUntilDue(now) == 0;
  }

  /** Takes the pending changes as one batch, folders inside other pending folders left out. */
  Batch take() {
    List<Path> sorted = new ArrayList<>(folders);
    sorted.sort(
        Comparator.comparingInt(Path::getNameCount).thenComparing(Comparator.naturalOrder()));
    List<Path> outermost = new ArrayList<>();
    for (Path f : sorted) {
      if (outermost.stream().noneMatch(f::startsWith)) {
        outermost.add(f);
      }
    }
    Batch batch = new Batch(List.copyOf(outermost), full);
    folders.clear();
    any = false;
    full = false;
    immediate = false;
    held = false;
    return batch;
  }

  /** Puts a failed batch back, due no earlier than {@code delay} from now. */
  void retry(Batch batch, long now, Duration delay) {
    for (Path f : batch.folders()) {
      folder(f, now);
    }
    if (batch.fullRescan()) {
      everything(now);
    }
    held = true;
    notBefore = now + delay.toNanos();
  }

  private void touch(long now) {
    if (!any) {
      first = now;
      any = true;
    }
    last = now;
  }
}
