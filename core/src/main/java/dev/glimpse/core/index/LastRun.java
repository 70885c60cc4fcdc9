package dev.glimpse.core.index;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the last indexing run that wrote an index did, as recorded in its final commit.
 *
 * @param finished when the run committed, to the second
 * @param indexed newly encoded images
 * @param unchanged images already indexed with the same content
 * @param reused images that got the vector of identical content (moved, renamed, copied)
 * @param removed images removed because their files were gone
 * @param skipped skip reason label (e.g. {@code corrupt}) to count, in the order given; only
 *     reasons that occurred
 * @param seconds wall time of the run
 */
public record LastRun(
    Instant finished,
    long indexed,
    long unchanged,
    long reused,
    long removed,
    Map<String, Long> skipped,
    double seconds) {

  /** Validates the values, truncates {@code finished} to seconds and copies the map in order. */
  public LastRun {
    Objects.requireNonNull(finished, "finished");
    finished = finished.truncatedTo(ChronoUnit.SECONDS);
    if (indexed < 0 || unchanged < 0 || reused < 0 || removed < 0) {
      throw new IllegalArgumentException(
          "run counts must not be negative: indexed "
              + indexed
              + ", unchanged "
              + unchanged
              + ", reused "
              + reused
              + ", removed "
              + removed);
    }
    Map<String, Long> copy = new LinkedHashMap<>();
    skipped.forEach(
        (reason, n) -> {
          if (reason.isBlank() || n == null || n < 1) {
            throw new IllegalArgumentException(
                "skip counts need a reason and a positive count, got " + reason + "=" + n);
          }
          copy.put(reason, n);
        });
    skipped = Collections.unmodifiableMap(copy);
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("seconds must be finite and >= 0, got " + seconds);
    }
  }

  /** Files skipped for any reason. */
  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The run as JSON-ready values: {@code finished} (ISO-8601 string), {@code indexed}, {@code
   * unchanged}, {@code reused}, {@code removed} (numbers), {@code skipped} (object of counts) and
   * {@code seconds} (number). The one spelling of these keys, used by the commit data, {@code
   * glimpse status --json} and {@code /api/stats}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("finished", finished.toString());
    m.put("indexed", indexed);
    m.put("unchanged", unchanged);
    m.put("reused", reused);
    m.put("removed", removed);
    m.put("skipped", skipped);
    m.put("seconds", seconds);
    return Collections.unmodifiableMap(m);
  }
}
