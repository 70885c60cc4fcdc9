package dev.glimpse.core.indexing;

import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexException;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A model switch without downtime or loss: builds a complete new generation of an index beside the
 * current one, then makes it current atomically ({@link IndexHome#publish}).
 *
 * <p>The current generation is only read (for the metadata of unchanged files) and keeps serving
 * throughout. The new generation is an ordinary index run into an empty folder, committed as it
 * goes, so a run killed at any point resumes where it stopped when the same switch is started
 * again; until the switch completes, searches see the old generation, intact.
 */
public final class GenerationSwitch {
  private static final Duration REPORT_EVERY = Duration.ofSeconds(2);

  private final IndexHome home;

  /**
   * @param home the index folder
   */
  public GenerationSwitch(IndexHome home) {
    this.home = home;
  }

  /** An indexing run into a store, reusing the metadata of another where content is unchanged. */
  @FunctionalInterface
  public interface Run {
    /**
     * Indexes into {@code target} and commits.
     *
     * @param target the new generation, writable
     * @param metadataFrom the current generation, read-only
     * @param listener receives progress
     * @return the run's summary
     */
    IndexingSummary run(
        LuceneVectorStore target, Optional<VectorStore> metadataFrom, IndexingListener listener)
        throws IOException, InterruptedException;
  }

  /**
   * What a switch did.
   *
   * @param summary the run into the new generation
   * @param from the generation that was current before
   * @param to the generation that is current now
   * @param resumed whether the run resumed a switch that had been interrupted
   * @param oldRemoved whether the old generation is gone (false: another process still writes to
   *     it, or it could not be deleted; the next switch removes it)
   */
  public record Result(
      IndexingSummary summary, String from, String to, boolean resumed, boolean oldRemoved) {
    /** One line for people. */
    public String describe() {
      return "switched from generation "
          + from
          + " to "
          + to
          + (resumed ? " (resumed an interrupted switch)" : "")
          + (oldRemoved
              ? "; the old generation was removed"
              : "; the old generation is still in use and will be removed by the next switch");
    }
  }

  /**
   * Builds a new generation with {@code config}'s model and makes it current.
   *
   * @param config the new generation's configuration (its model is what the switch is keyed by)
   * @param run the indexing run
   * @return what happened
   * @throws IndexException if another switch is running, or there is no model in {@code config}
   * @throws IOException if the run or the switch fails; the current generation is then intact and
   *     still current, and running the same switch again resumes it
   */
  public Result rebuild(IndexConfig config, Run run) throws IOException, InterruptedException {
    String modelId =
        config
            .model()
            .orElseThrow(() -> new IndexException("a generation switch needs a model"))
            .modelId();
    try (IndexHome.SwitchLock lock = home.lockForSwitch()) {
      IndexHome.Generation current =
          home.current()
              .orElseThrow(() -> new IndexException("no index at " + home.path() + " to switch"));
      boolean resumed = home.pending().map(p -> p.modelId().equals(modelId)).orElse(false);
      IndexHome.PendingSwitch pending = home.beginSwitch(lock, modelId);
      IndexingSummary summary;
      try (LuceneVectorStore previous = openForMetadata(current, home.path());
          LuceneVectorStore target =
              LuceneVectorStore.open(pending.generation().dir(), home.path(), config)) {
        summary = run.run(target, Optional.ofNullable(previous), reporter(pending));
      }
      long done =
          summary.indexed() + summary.unchanged() + summary.reused() + summary.skippedTotal();
      home.reportProgress(pending, new IndexHome.Progress(done, true, done));
      boolean removed = home.publish(lock, pending);
      return new Result(summary, current.name(), pending.generation().name(), resumed, removed);
    }
  }

  /** The current generation, read-only; null when it holds nothing to read. */
  private static LuceneVectorStore openForMetadata(IndexHome.Generation current, Path base)
      throws IOException {
    try {
      return LuceneVectorStore.openReadOnly(current.dir(), base);
    } catch (IndexException e) {
      return null; // an empty index records nothing worth reusing
    }
  }

  private IndexingListener reporter(IndexHome.PendingSwitch pending) {
    long[] last = {0};
    return p -> {
      long now = System.nanoTime();
      if (now - last[0] >= REPORT_EVERY.toNanos()) {
        last[0] = now;
        home.reportProgress(
            pending, new IndexHome.Progress(p.discovered(), p.walkDone(), p.processed()));
      }
    };
  }
}
