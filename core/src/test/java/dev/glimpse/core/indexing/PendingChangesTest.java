package dev.glimpse.core.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingChangesTest {
  private static final long MS = 1_000_000L;
  private final PendingChanges pending =
      new PendingChanges(Duration.ofMillis(100), Duration.ofMillis(500));

  @Test
  void a_batch_is_due_after_the_quiet_period() {
    pending.folder(Path.of("/p/a"), 0);
    assertFalse(pending.isDue(99 * MS));
    assertEquals(100 * MS, pending.nanosUntilDue(0));
    assertTrue(pending.isDue(100 * MS));
  }

  @Test
  void each_change_restarts_the_quiet_period_up_to_the_maximum_delay() {
    for (long t = 0; t <= 480; t += 60) {
      pending.folder(Path.of("/p/a"), t * MS);
    }
    assertFalse(pending.isDue(499 * MS), "changes keep coming every 60 ms");
    assertTrue(pending.isDue(500 * MS), "but the first one waited 500 ms");
  }

  @Test
  void a_requested_rescan_is_due_at_once() {
    pending.everythingNow(7 * MS);
    assertTrue(pending.isDue(7 * MS));
    assertTrue(pending.take().fullRescan());
    assertTrue(pending.isEmpty());
  }

  @Test
  void dropped_events_mean_a_full_rescan_once_quiet() {
    pending.everything(0);
    assertFalse(pending.isDue(50 * MS));
    assertTrue(pending.isDue(100 * MS));
    assertTrue(pending.take().fullRescan());
  }

  @Test
  void a_batch_names_only_the_outermost_changed_folders() {
    pending.folder(Path.of("/p/a/b"), 0);
    pending.folder(Path.of("/p/a"), 0);
    pending.folder(Path.of("/p/ab"), 0);
    pending.folder(Path.of("/p/a/b/c"), 0);
    PendingChanges.Batch batch = pending.take();
    assertEquals(List.of(Path.of("/p/a"), Path.of("/p/ab")), batch.folders());
    assertFalse(batch.fullRescan());
  }

  @Test
  void a_failed_batch_is_retried_after_the_delay_with_new_changes_joined() {
    pending.folder(Path.of("/p/a"), 0);
    PendingChanges.Batch failed = pending.take();
    pending.retry(failed, 200 * MS, Duration.ofSeconds(1));
    pending.folder(Path.of("/p/b"), 300 * MS);
    assertFalse(pending.isDue(1100 * MS), "held until 1.2 s");
    assertTrue(pending.isDue(1200 * MS));
    assertEquals(List.of(Path.of("/p/a"), Path.of("/p/b")), pending.take().folders());
  }
}
