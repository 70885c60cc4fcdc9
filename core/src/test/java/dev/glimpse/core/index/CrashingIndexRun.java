package dev.glimpse.core.index;

import static dev.glimpse.core.index.TestImages.axis;
import static dev.glimpse.core.index.TestImages.record;

import java.nio.file.Path;

/**
 * An indexing run that dies like {@code kill -9}: commits two images, then adds one and deletes
 * one, makes those writes reach disk in an uncommitted segment, and halts without closing.
 */
public final class CrashingIndexRun {
  private CrashingIndexRun() {}

  /**
   * Runs and halts with status 137.
   *
   * @param args the index directory
   * @throws Exception never normally: the process halts
   */
  public static void main(String[] args) throws Exception {
    LuceneVectorStore store = LuceneVectorStore.open(Path.of(args[0]), IndexConfig.of(8));
    store.upsert(record("/p/a.jpg"), axis(8, 0));
    store.upsert(record("/p/b.jpg"), axis(8, 1));
    store.commit(TestImages.lastRun(2, 1.5));
    store.upsert(record("/p/c.jpg"), axis(8, 2));
    store.delete("/p/a.jpg");
    store.refresh(); // flushes the uncommitted writes into a segment on disk
    Runtime.getRuntime().halt(137);
  }
}
