package dev.glimpse.core.index;

import dev.glimpse.core.SuppressForbidden;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Named places in the index life cycle where a test can make the process die at once, as {@code
 * kill -9} would (no shutdown hooks, no flushing beyond what the code already wrote), or stop there
 * and say so on standard output, so that crash safety is tested at exact instants rather than at
 * whatever moment a timer hits.
 *
 * <p>Off unless the system property {@value #PROPERTY} (die) or {@value #PAUSE_PROPERTY} (stop and
 * print {@value #PAUSED} then {@code name@N}, for the test to kill the process when it reads the
 * line) is set, to {@code name} or {@code name@N} (the N-th time the place is reached); only tests
 * set them.
 */
final class CrashPoints {
  /** The system property naming the crash point. */
  static final String PROPERTY = "glimpse.test.crashAt";

  /** The system property naming the place to stop at. */
  static final String PAUSE_PROPERTY = "glimpse.test.pauseAt";

  /** What a process stopped at a place prints, followed by {@code name@N}. */
  static final String PAUSED = "glimpse.test: paused at ";

  /** The exit status of a process stopped at a crash point. */
  static final int EXIT_STATUS = 86;

  private static final CrashPoints NONE = new CrashPoints(Optional.empty(), 0, false);

  private final Optional<String> name;
  private final int nth;
  private final boolean pause;
  private final Map<String, Integer> reached = new HashMap<>();

  private CrashPoints(Optional<String> name, int nth, boolean pause) {
    this.name = name;
    this.nth = nth;
    this.pause = pause;
  }

  static CrashPoints fromSystemProperty() {
    String crash = System.getProperty(PROPERTY);
    if (crash != null && !crash.isBlank()) {
      return parse(crash, false);
    }
    String pause = System.getProperty(PAUSE_PROPERTY);
    if (pause != null && !pause.isBlank()) {
      return parse(pause, true);
    }
    return NONE;
  }

  private static CrashPoints parse(String value, boolean pause) {
    int at = value.indexOf('@');
    if (at < 0) {
      return new CrashPoints(Optional.of(value), 1, pause);
    }
    return new CrashPoints(
        Optional.of(value.substring(0, at)), Integer.parseInt(value.substring(at + 1)), pause);
  }

  /**
   * Halts the JVM, or stops the calling thread for good, if this is the configured place (and the
   * configured time it is reached).
   */
  @SuppressForbidden(reason = "the test that stopped this process reads the line on stdout")
  synchronized void reached(String place) {
    if (name.isEmpty() || !name.get().equals(place)) {
      return;
    }
    int count = reached.merge(place, 1, Integer::sum);
    if (count != nth) {
      return;
    }
    if (!pause) {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
    System.out.println(PAUSED + place + "@" + count);
    System.out.flush();
    // Holds the monitor too: no other thread passes a crash point until the test kills us.
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      try {
        never.await();
      } catch (InterruptedException e) {
        // stay stopped: only the test's kill ends this
      }
    }
  }
}
