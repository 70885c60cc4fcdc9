package dev.glimpse.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the index lives: {@code --index}, else {@code $GLIMPSE_INDEX}, else the per-user data
 * folder {@code $XDG_DATA_HOME/glimpse/index} (default {@code ~/.local/share/glimpse/index}).
 */
final class IndexLocation {
  private IndexLocation() {}

  static Path resolve(Path option, Map<String, String> env) {
    if (option != null) {
      return option.toAbsolutePath().normalize();
    }
    String fromEnv = env.get("GLIMPSE_INDEX");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath().normalize();
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path data =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share");
    return data.resolve("glimpse").resolve("index").toAbsolutePath().normalize();
  }
}
