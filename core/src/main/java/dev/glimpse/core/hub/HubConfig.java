package dev.glimpse.core.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the hub is, where its cache lives, and how to talk to it. Immutable.
 *
 * @param endpoint base URL of the hub, without a trailing slash, e.g. {@code
 *     https://huggingface.co}
 * @param cacheDir the hub cache, e.g. {@code ~/.cache/huggingface/hub}
 * @param token access token sent as {@code Authorization: Bearer}, if any
 * @param offline when true the network is never used; only the cache is read
 */
public record HubConfig(URI endpoint, Path cacheDir, Optional<String> token, boolean offline) {

  /** The public Hugging Face hub. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  private static final Set<String> TRUTHY = Set.of("1", "true", "yes", "on");

  /**
   * Validates the values and strips a trailing slash from the endpoint.
   *
   * @throws IllegalArgumentException when the endpoint is not an absolute http(s) URL
   */
  public HubConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(token, "token");
    String scheme = endpoint.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "Invalid hub endpoint '" + endpoint + "': expected an http(s) URL");
    }
    String text = endpoint.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    endpoint = URI.create(text);
    token = token.map(String::strip).filter(t -> !t.isEmpty());
  }

  /**
   * Reads the configuration from the process environment; see {@link #fromEnvironment(Map)}.
   *
   * @return the configuration
   */
  public static HubConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Reads the configuration the way {@code huggingface_hub} does.
   *
   * <ul>
   *   <li>{@code HF_ENDPOINT}: the hub URL (default {@code https://huggingface.co}).
   *   <li>{@code HF_HOME}: default {@code $XDG_CACHE_HOME/huggingface}, else {@code
   *       ~/.cache/huggingface}.
   *   <li>{@code HF_HUB_CACHE}: the cache; default {@code $HF_HOME/hub}.
   *   <li>{@code HF_TOKEN}: the access token; else the contents of {@code $HF_HOME/token}, if that
   *       file exists.
   *   <li>{@code HF_HUB_OFFLINE}: {@code 1}, {@code true}, {@code yes} or {@code on} turn offline
   *       mode on.
   * </ul>
   *
   * @param env the environment variables
   * @return the configuration
   * @throws IllegalArgumentException when {@code HF_ENDPOINT} is not a valid http(s) URL
   */
  public static HubConfig fromEnvironment(Map<String, String> env) {
    URI endpoint = DEFAULT_ENDPOINT;
    String endpointText = get(env, "HF_ENDPOINT");
    if (endpointText != null) {
      try {
        endpoint = URI.create(endpointText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Invalid HF_ENDPOINT '" + endpointText + "': " + e.getMessage(), e);
      }
    }
    Path home = hfHome(env);
    String cache = get(env, "HF_HUB_CACHE");
    Path cacheDir = cache != null ? expandHome(cache, env) : home.resolve("hub");
    Optional<String> token = Optional.ofNullable(get(env, "HF_TOKEN"));
    if (token.isEmpty()) {
      token = readTokenFile(home.resolve("token"));
    }
    String offline = get(env, "HF_HUB_OFFLINE");
    boolean isOffline = offline != null && TRUTHY.contains(offline.toLowerCase(Locale.ROOT));
    return new HubConfig(endpoint, cacheDir.toAbsolutePath().normalize(), token, isOffline);
  }

  /** Like the record's, but never shows the token. */
  @Override
  public String toString() {
    return "HubConfig[endpoint="
        + endpoint
        + ", cacheDir="
        + cacheDir
        + ", token="
        + (token.isPresent() ? "<set>" : "<none>")
        + ", offline="
        + offline
        + "]";
  }

  private static Path hfHome(Map<String, String> env) {
    String home = get(env, "HF_HOME");
    if (home != null) {
      return expandHome(home, env);
    }
    String xdg = get(env, "XDG_CACHE_HOME");
    if (xdg != null) {
      return expandHome(xdg, env).resolve("huggingface");
    }
    return userHome(env).resolve(".cache").resolve("huggingface");
  }

  private static Path userHome(Map<String, String> env) {
    String home = get(env, "HOME");
    return Path.of(home != null ? home : System.getProperty("user.home"));
  }

  private static Path expandHome(String path, Map<String, String> env) {
    if (path.equals("~")) {
      return userHome(env);
    }
    if (path.startsWith("~/")) {
      return userHome(env).resolve(path.substring(2));
    }
    return Path.of(path);
  }

  private static Optional<String> readTokenFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
          .filter(t -> !t.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String get(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
