package dev.glimpse.core.clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Runs one text-tower call at a time and folds the texts that arrive meanwhile into the next call.
 *
 * <p>Why: on a small CPU, request threads that each start their own encode oversubscribe the cores
 * (every call already uses all intra-op threads), and the text tower is bound by reading its
 * weights, so eight texts in one call cost little more than one. Callers queue their text and block
 * on the encode lock; whoever gets the lock encodes every queued text (up to {@code maxBatch}) and
 * hands each caller its row. Nothing waits for a batch to fill: an idle server encodes a lone query
 * at once.
 *
 * <p>Thread-safe, and owns no thread.
 */
public final class BatchingTextEncoder {
  private final Function<List<String>, float[][]> encoder;
  private final int maxBatch;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock encoding = new ReentrantLock();

  /** A batch the encoder ran: how many texts and how long it took. */
  @FunctionalInterface
  public interface BatchListener {
    /** Called on the encoding thread after each call; keep it quick. */
    void encoded(int texts, long nanos);
  }

  private final BatchListener listener;
  private final Runnable queued;

  /**
   * @param encoder encodes a list of texts to one row each, e.g. {@code model::encodeTexts}
   * @param maxBatch the most texts in one call, at least 1
   * @param listener told of every call
   */
  public BatchingTextEncoder(
      Function<List<String>, float[][]> encoder, int maxBatch, BatchListener listener) {
    this(encoder, maxBatch, listener, () -> {});
  }

  /**
   * As the public constructor, with {@code queued} run on the caller's thread once its text is in
   * the queue: tests learn from it that callers wait, rather than sleeping until they probably do.
   */
  BatchingTextEncoder(
      Function<List<String>, float[][]> encoder,
      int maxBatch,
      BatchListener listener,
      Runnable queued) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.maxBatch = maxBatch;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.queued = Objects.requireNonNull(queued, "queued");
  }

  /**
   * The embedding of one text, encoded alone or together with concurrent callers' texts.
   *
   * @param text the text
   * @return its row of the encoder's output
   * @throws RuntimeException whatever the encoder threw for the batch holding this text
   */
  public float[] encode(String text) {
    Pending mine = new Pending(Objects.requireNonNull(text, "text"));
    queue.add(mine);
    queued.run();
    while (!mine.result.isDone()) {
      encoding.lock();
      try {
        if (!mine.result.isDone()) {
          encodeQueued();
        }
      } finally {
        encoding.unlock();
      }
    }
    try {
      return mine.result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("text encoder failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding a text", e);
    }
  }

  /** Encodes up to {@code maxBatch} queued texts; holds the lock. */
  private void encodeQueued() {
    List<Pending> batch = new ArrayList<>();
    Pending p;
    while (batch.size() < maxBatch && (p = queue.poll()) != null) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<String> texts = new ArrayList<>(batch.size());
    for (Pending b : batch) {
      texts.add(b.text);
    }
    try {
      long start = System.nanoTime();
      float[][] rows = encoder.apply(texts);
      listener.encoded(batch.size(), System.nanoTime() - start);
      if (rows.length != batch.size()) {
        throw new IllegalStateException(
            "the encoder returned " + rows.length + " rows for " + batch.size() + " texts");
      }
      for (int i = 0; i < rows.length; i++) {
        batch.get(i).result.complete(rows[i]);
      }
    } catch (RuntimeException | Error e) {
      for (Pending b : batch) {
        b.result.completeExceptionally(e);
      }
    }
  }

  private static final class Pending {
    final String text;
    final CompletableFuture<float[]> result = new CompletableFuture<>();

    Pending(String text) {
      this.text = text;
    }
  }
}
