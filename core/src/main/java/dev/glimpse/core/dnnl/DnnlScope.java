package dev.glimpse.core.dnnl;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Owns oneDNN handles and native buffers created for one purpose (a tower's weights, one execution
 * plan) and releases them, newest first, on {@link #close()}. Not thread-safe.
 */
public final class DnnlScope implements AutoCloseable {
  private final Deque<Runnable> releases = new ArrayDeque<>();
  private boolean closed;

  /** Registers a release action; returns {@code value} for chaining. */
  public <T> T own(T value, Runnable release) {
    if (closed) {
      release.run();
      throw new IllegalStateException("scope is closed");
    }
    releases.push(release);
    return value;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    while (!releases.isEmpty()) {
      try {
        releases.pop().run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
