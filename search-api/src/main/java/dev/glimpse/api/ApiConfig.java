package dev.glimpse.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the search service runs. Validated once here; everything downstream trusts it.
 *
 * @param host the address the server binds to; only loopback addresses may run without a key
 * @param apiKey the key clients must send as {@code Authorization: Bearer KEY}, if any
 * @param requireApiKey whether {@code /api} and {@code /metrics} require the key (always true
 *     off-loopback)
 * @param maxUploadBytes largest accepted uploaded image, in bytes
 * @param maxUploadPixels largest accepted uploaded image, in {@code width * height}
 * @param queryCacheEntries how many text query embeddings the LRU cache holds
 * @param thumbnailCacheDir where thumbnails are cached on disk; empty keeps them in memory only
 * @param thumbnailMemoryBytes the in-memory thumbnail cache's size bound
 * @param refreshInterval how often the index is checked for new commits
 * @param textBatchSize the most text queries encoded in one text-tower call: concurrent queries
 *     wait for the running call and are then encoded together, one call at a time; 0 lets every
 *     request thread run its own call at once; -1 (the default) picks by engine, see {@link
 *     #AUTO_TEXT_BATCH_SIZE}
 * @param checkFiles whether a search leaves out hits whose file no longer exists (one file-system
 *     check per hit of a page; on by default, off only for benchmark indexes of synthetic entries
 *     that have no files)
 */
public record ApiConfig(
    String host,
    Optional<String> apiKey,
    boolean requireApiKey,
    long maxUploadBytes,
    long maxUploadPixels,
    int queryCacheEntries,
    Optional<Path> thumbnailCacheDir,
    long thumbnailMemoryBytes,
    Duration refreshInterval,
    int textBatchSize,
    boolean checkFiles) {

  /** Default host: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Default port of {@code glimpse serve}. */
  public static final int DEFAULT_PORT = 7070;

  /** Default upload limit: 20 MB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;

  /** Default pixel limit for uploads: 50 megapixels. */
  public static final long DEFAULT_MAX_UPLOAD_PIXELS = 50_000_000L;

  /** Default number of cached query embeddings. */
  public static final int DEFAULT_QUERY_CACHE_ENTRIES = 1024;

  /**
   * {@code textBatchSize} meaning: batch up to {@link #ENGINE_TEXT_BATCH_SIZE} queries where the
   * model's engine runs one text-tower call at a time (oneDNN: concurrent queries would only queue,
   * so they are better merged), none otherwise.
   */
  public static final int AUTO_TEXT_BATCH_SIZE = -1;

  /** The bound {@link #AUTO_TEXT_BATCH_SIZE} uses on engines that run one call at a time. */
  public static final int ENGINE_TEXT_BATCH_SIZE = 8;

  /**
   * Default bound of text queries per encoder call: {@link #AUTO_TEXT_BATCH_SIZE}. On the 2-vCPU
   * development machine, 8 clients with no think time got 208 queries/s (p50 38.5 ms) batched on
   * the bf16 oneDNN tower against 140 (p50 56 ms) unbatched; on ONNX Runtime, whose calls run
   * concurrently, unbatched encodes did better (docs/benchmarks.md, "Search service").
   */
  public static final int DEFAULT_TEXT_BATCH_SIZE = AUTO_TEXT_BATCH_SIZE;

  /** Default bound of the in-memory thumbnail cache: 64 MB. */
  public static final long DEFAULT_THUMBNAIL_MEMORY_BYTES = 64L * 1024 * 1024;

  /** Validates the values. */
  public ApiConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(thumbnailCacheDir, "thumbnailCacheDir");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    apiKey = apiKey.map(String::strip).filter(k -> !k.isEmpty());
    if (apiKey.isPresent() && apiKey.get().length() < 16) {
      throw new IllegalArgumentException(
          "the API key is too short (" + apiKey.get().length() + " characters, at least 16)");
    }
    if (!isLoopback(host)) {
      requireApiKey = true;
    }
    if (requireApiKey && apiKey.isEmpty()) {
      throw new IllegalArgumentException(
          "refusing to serve on "
              + host
              + " without an API key: binding to a non-loopback address exposes your photos;"
              + " pass --api-key-file FILE or set GLIMPSE_API_KEY (or bind to 127.0.0.1)");
    }
    if (maxUploadBytes < 1024 || maxUploadBytes > 1L << 30) {
      throw new IllegalArgumentException(
          "maxUploadBytes must be in [1 KiB, 1 GiB], got " + maxUploadBytes);
    }
    if (maxUploadPixels < 1) {
      throw new IllegalArgumentException(
          "maxUploadPixels must be positive, got " + maxUploadPixels);
    }
    if (queryCacheEntries < 0) {
      throw new IllegalArgumentException(
          "queryCacheEntries must not be negative, got " + queryCacheEntries);
    }
    if (thumbnailMemoryBytes < 0) {
      throw new IllegalArgumentException(
          "thumbnailMemoryBytes must not be negative, got " + thumbnailMemoryBytes);
    }
    if (textBatchSize < AUTO_TEXT_BATCH_SIZE || textBatchSize > 256) {
      throw new IllegalArgumentException(
          "textBatchSize must be -1 (automatic) or in [0, 256], got " + textBatchSize);
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval must be positive: " + refreshInterval);
    }
  }

  /**
   * The defaults for a host: a key is required exactly when the host is not loopback.
   *
   * @param host the bind address
   * @param apiKey the key, if any
   * @return the configuration
   * @throws IllegalArgumentException if the host is not loopback and there is no key
   */
  public static ApiConfig forHost(String host, Optional<String> apiKey) {
    return new ApiConfig(
        host,
        apiKey,
        false,
        DEFAULT_MAX_UPLOAD_BYTES,
        DEFAULT_MAX_UPLOAD_PIXELS,
        DEFAULT_QUERY_CACHE_ENTRIES,
        Optional.empty(),
        DEFAULT_THUMBNAIL_MEMORY_BYTES,
        Duration.ofSeconds(1),
        DEFAULT_TEXT_BATCH_SIZE,
        true);
  }

  /** A copy that requires the given key on every address (for tests of the key check). */
  public ApiConfig withRequiredKey(String key) {
    return new ApiConfig(
        host,
        Optional.of(key),
        true,
        maxUploadBytes,
        maxUploadPixels,
        queryCacheEntries,
        thumbnailCacheDir,
        thumbnailMemoryBytes,
        refreshInterval,
        textBatchSize,
        checkFiles);
  }

  /** A copy with another upload limit. */
  public ApiConfig withMaxUploadBytes(long bytes) {
    return new ApiConfig(
        host,
        apiKey,
        requireApiKey,
        bytes,
        maxUploadPixels,
        queryCacheEntries,
        thumbnailCacheDir,
        thumbnailMemoryBytes,
        refreshInterval,
        textBatchSize,
        checkFiles);
  }

  /** A copy that caches thumbnails on disk under a folder. */
  public ApiConfig withThumbnailCacheDir(Path dir) {
    return new ApiConfig(
        host,
        apiKey,
        requireApiKey,
        maxUploadBytes,
        maxUploadPixels,
        queryCacheEntries,
        Optional.of(dir),
        thumbnailMemoryBytes,
        refreshInterval,
        textBatchSize,
        checkFiles);
  }

  /** A copy with another index refresh interval. */
  public ApiConfig withRefreshInterval(Duration interval) {
    return new ApiConfig(
        host,
        apiKey,
        requireApiKey,
        maxUploadBytes,
        maxUploadPixels,
        queryCacheEntries,
        thumbnailCacheDir,
        thumbnailMemoryBytes,
        interval,
        textBatchSize,
        checkFiles);
  }

  /** A copy with another text batch bound (0: no batching). */
  public ApiConfig withTextBatchSize(int size) {
    return new ApiConfig(
        host,
        apiKey,
        requireApiKey,
        maxUploadBytes,
        maxUploadPixels,
        queryCacheEntries,
        thumbnailCacheDir,
        thumbnailMemoryBytes,
        refreshInterval,
        size,
        checkFiles);
  }

  /** A copy that checks, or not, that each hit's file still exists (see {@link #checkFiles}). */
  public ApiConfig withFileChecks(boolean check) {
    return new ApiConfig(
        host,
        apiKey,
        requireApiKey,
        maxUploadBytes,
        maxUploadPixels,
        queryCacheEntries,
        thumbnailCacheDir,
        thumbnailMemoryBytes,
        refreshInterval,
        textBatchSize,
        check);
  }

  /**
   * The largest request body accepted: a base64-encoded image of the upload limit plus room for the
   * other fields.
   */
  public long maxRequestBytes() {
    return (maxUploadBytes + 2) / 3 * 4 + 1024 * 1024;
  }

  /**
   * Whether a host name or address is loopback-only. Names are resolved; a name that does not
   * resolve is treated as not loopback.
   */
  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
