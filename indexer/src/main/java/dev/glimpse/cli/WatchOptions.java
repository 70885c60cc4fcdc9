package dev.glimpse.cli;

import dev.glimpse.core.indexing.WatchConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The timing options of {@code --watch}, shared by {@code index} and {@code serve}. */
final class WatchOptions {
  @Option(
      names = "--watch-quiet-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description =
          "With --watch: index changes once the folders were quiet this long (default"
              + " ${DEFAULT-VALUE}).")
  long quietMs;

  @Option(
      names = "--watch-max-wait-ms",
      paramLabel = "MS",
      defaultValue = "5000",
      description =
          "With --watch: and at the latest this long after the first change (default"
              + " ${DEFAULT-VALUE}).")
  long maxWaitMs;

  @Option(
      names = "--rescan-minutes",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "With --watch: walk every folder again this often, for changes the file system did"
              + " not report (network mounts; default ${DEFAULT-VALUE}).")
  long rescanMinutes;

  /** The validated timing. */
  WatchConfig config() throws UsageException {
    if (quietMs < 1 || maxWaitMs < 1 || rescanMinutes < 1) {
      throw new UsageException(
          "--watch-quiet-ms, --watch-max-wait-ms and --rescan-minutes must be positive");
    }
    if (maxWaitMs < quietMs) {
      throw new UsageException(
          "--watch-max-wait-ms " + maxWaitMs + " is shorter than --watch-quiet-ms " + quietMs);
    }
    return new WatchConfig(
        Duration.ofMillis(quietMs),
        Duration.ofMillis(maxWaitMs),
        Duration.ofMinutes(rescanMinutes),
        WatchConfig.DEFAULT_RETRY_DELAY);
  }
}
