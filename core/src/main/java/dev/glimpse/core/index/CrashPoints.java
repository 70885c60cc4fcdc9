package dev.glimpse.core.index;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Named places in the index life cycle where a test can make the process die at once, as {@code
 * kill -9} would (no shutdown hooks, no flushing beyond what the code already wrote), so that crash
 * safety is tested at exact instants rather than at whatever moment a timer hits.
 *
 * <p>Off unless the system property {@value #PROPERTY} is set, to {@code name} or {@code name@N}
 * (die the N-th time the place is reached); only tests set it.
 */
final class CrashPoints {
  /** The system property naming the crash point. */
  static final String PROPERTY = "glimpse.test.crashAt";

  /** The exit status of a process stopped at a crash point. */
  static final int EXIT_STATUS = 86;

  private static final CrashPoints NONE = new CrashPoints(Optional.empty(), 0);

  private final Optional<String> name;
  private final int nth;
  private final Map<String, Integer> reached = new HashMap<>();

  private CrashPoints(Optional<String> name, int nth) {
    this.name = name;
    this.nth = nth;
  }

  static CrashPoints fromSystemProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return NONE;
    }
    int at = value.indexOf('@');
    if (at < 0) {
      return new CrashPoints(Optional.of(value), 1);
    }
    return new CrashPoints(
        Optional.of(value.substring(0, at)), Integer.parseInt(value.substring(at + 1)));
  }

  /** Halts the JVM if this is the configured place (and the configured time it is reached). */
  synchronized void reached(String place) {
    if (name.isEmpty() || !name.get().equals(place)) {
      return;
    }
    int count = reached.merge(place, 1, Integer::sum);
    if (count == nth) {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }
}
