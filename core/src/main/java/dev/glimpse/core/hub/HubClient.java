package dev.glimpse.core.hub;

import dev.glimpse.core.hub.HubException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads single files of hub repositories into the shared cache, like {@code
 * huggingface_hub.hf_hub_download}.
 *
 * <p>For each file a {@code HEAD {endpoint}/{repo}/resolve/{revision}/{file}} tells the commit the
 * revision resolves to ({@code X-Repo-Commit}) and the file's etag ({@code X-Linked-Etag} or {@code
 * ETag}); the content is then fetched (following the hub's redirect to its CDN) into {@code
 * blobs/<etag>} unless that blob is already cached, verified against the sha256 when the etag is
 * one, and linked from {@code snapshots/<commit>/<file>}. Interrupted downloads are resumed.
 *
 * <p>In offline mode only the cache is read. When the hub cannot be reached but the file is cached
 * for the revision, the cached file is used and a warning is logged.
 *
 * <p>Instances are thread-safe as long as no two threads fetch the same file at once.
 */
public final class HubClient {

  private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);

  /** Connect timeout of the HTTP client this class builds itself. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HubConfig config;
  private final HubCache cache;
  private final HttpTransport transport;
  private final BlobDownloader downloader;

  /**
   * Creates a client with its own HTTP client (connect timeout {@link #CONNECT_TIMEOUT}). Redirects
   * are followed by this class itself, at most 10 hops, so that the hub's headers on its redirect
   * answers are seen and the token is not sent to other hosts.
   *
   * @param config the hub configuration
   */
  public HubClient(HubConfig config) {
    this(
        config,
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONNECT_TIMEOUT)
            .build());
  }

  /**
   * Creates a client that uses the given HTTP client. If that client follows redirects itself, the
   * hub's headers are read from {@link HttpResponse#previousResponse()}.
   *
   * @param config the hub configuration
   * @param http the HTTP client to send requests with
   */
  public HubClient(HubConfig config, HttpClient http) {
    this.config = Objects.requireNonNull(config, "config");
    this.cache = new HubCache(config.cacheDir());
    this.transport = new HttpTransport(http, config.endpoint(), config.token());
    this.downloader = new BlobDownloader(transport, config);
  }

  /** The configuration this client was made with. */
  public HubConfig config() {
    return config;
  }

  /**
   * Returns the local path of a file of the repository at the given revision, downloading it into
   * the cache unless it is there already.
   *
   * @param ref the repository and revision
   * @param filename the path of the file inside the repository, e.g. {@code config.json}
   * @param progress receives download progress (nothing is reported for cached files)
   * @return the file inside the snapshot folder, {@code .../snapshots/<commit>/<filename>}
   * @throws HubException when the file cannot be obtained; {@link HubException#kind()} says why
   * @throws IllegalArgumentException when the file name is not a safe relative path
   */
  public Path download(ModelRef ref, String filename, DownloadProgress progress)
      throws HubException {
    return download(ref, filename, progress, true);
  }

  /**
   * As {@link #download(ModelRef, String, DownloadProgress)}; {@code cacheFallback} says whether a
   * cached copy is used when the hub is unreachable, or the failure is passed on.
   */
  Path download(ModelRef ref, String filename, DownloadProgress progress, boolean cacheFallback)
      throws HubException {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(progress, "progress");
    validateFilename(filename);
    if (config.offline()) {
      return cache
          .cachedFile(ref, filename)
          .orElseThrow(() -> HubErrors.offlineNotCached(ref, List.of(filename), config.cacheDir()));
    }
    try {
      return fetch(ref, filename, progress);
    } catch (HubException e) {
      if (cacheFallback && e.kind() == Kind.UNREACHABLE) {
        Optional<Path> cached = cache.cachedFile(ref, filename);
        if (cached.isPresent()) {
          LOG.warn(
              "The hub {} is unreachable ({}); using the cached {} of {}",
              config.endpoint(),
              e.getCause() == null ? "server error" : HubErrors.describe(e.getCause()),
              filename,
              ref);
          return cached.get();
        }
      }
      throw e;
    } catch (IOException e) {
      throw new HubException(
          Kind.PROTOCOL,
          "Cannot store "
              + filename
              + " of "
              + ref
              + " in the cache "
              + config.cacheDir()
              + ": "
              + HubErrors.describe(e),
          e);
    }
  }

  /**
   * Like {@link #download}, but returns empty when the file does not exist in the repository (HTTP
   * 404, or offline when an earlier lookup recorded it as absent). Used to probe optional files.
   *
   * @param ref the repository and revision
   * @param filename the path of the file inside the repository
   * @param progress receives download progress
   * @return the file inside the snapshot folder, or empty when the repository has no such file
   * @throws HubException for every failure other than a missing file
   */
  public Optional<Path> tryDownload(ModelRef ref, String filename, DownloadProgress progress)
      throws HubException {
    return tryDownload(ref, filename, progress, true);
  }

  /** As {@link #tryDownload(ModelRef, String, DownloadProgress)}, see {@link #download}. */
  Optional<Path> tryDownload(
      ModelRef ref, String filename, DownloadProgress progress, boolean cacheFallback)
      throws HubException {
    if (config.offline()) {
      validateFilename(filename);
      Optional<Path> cached = cache.cachedFile(ref, filename);
      if (cached.isEmpty() && cache.knownMissing(ref, filename)) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(download(ref, filename, progress, cacheFallback));
    } catch (HubException e) {
      if (e.kind() == Kind.NOT_FOUND && !(e instanceof RepoOrRevisionNotFound)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Path fetch(ModelRef ref, String filename, DownloadProgress progress) throws IOException {
    URI url = resolveUrl(ref, filename);
    HttpResponse<Void> head;
    try {
      head = transport.head(url);
    } catch (HubException e) {
      throw e;
    } catch (IOException e) {
      throw HubErrors.unreachable(config.endpoint(), ref, HubErrors.describe(e), e);
    }
    int status = head.statusCode();
    if (status >= 400 || (status >= 300 && HttpTransport.redirectTarget(head).isEmpty())) {
      if (status == 404) {
        head.headers()
            .firstValue("X-Repo-Commit")
            .filter(c -> c.strip().matches("[0-9a-f]{40}"))
            .filter(c -> "EntryNotFound".equals(errorCode(head)))
            .ifPresent(c -> recordAbsence(ref, c.strip(), filename));
      }
      throw statusError(config, ref, filename, head);
    }
    URI location = HttpTransport.redirectTarget(head).orElse(head.uri());
    FileMetadata meta = FileMetadata.from(head, location);
    String commit = meta.commit();
    if (commit == null) {
      if (!ref.isCommit()) {
        throw HubErrors.protocol(
            "The hub sent no X-Repo-Commit for " + url + "; is HF_ENDPOINT a Hugging Face hub?");
      }
      commit = ref.revision();
    }
    cache.writeRef(ref, commit);
    Path pointer = cache.snapshotDir(ref, commit).resolve(filename);
    Path blob = cache.blob(ref, meta.etag());
    if (Files.exists(pointer) && Files.exists(blob)) {
      return pointer;
    }
    if (!Files.exists(blob)) {
      downloader.fetch(ref, filename, meta, blob, progress);
    }
    return cache.link(ref, commit, filename, blob);
  }

  /** Like huggingface_hub: remembers the commit and that the file is absent there. */
  private void recordAbsence(ModelRef ref, String commit, String filename) {
    try {
      cache.writeRef(ref, commit);
      cache.markMissing(ref, commit, filename);
    } catch (IOException e) {
      LOG.debug("Cannot record that {} is absent from {}", filename, ref, e);
    }
  }

  /** Maps an unsuccessful HTTP answer to the matching {@link HubException}. */
  static HubException statusError(
      HubConfig config, ModelRef ref, String filename, HttpResponse<?> response) {
    int status = response.statusCode();
    String code = errorCode(response);
    if (status == 401 || status == 403) {
      return HubErrors.unauthorized(ref, filename, status, config.token().isPresent());
    }
    if (status == 404) {
      HubException e = HubErrors.notFound(ref, filename, code, config.endpoint());
      return "RepoNotFound".equals(code) || "RevisionNotFound".equals(code)
          ? new RepoOrRevisionNotFound(e.getMessage())
          : e;
    }
    if (status == 429 || status >= 500) {
      return HubErrors.unreachable(
          config.endpoint(), ref, "the hub answered HTTP " + status + " for " + filename, null);
    }
    return HubErrors.protocol(
        "Unexpected HTTP "
            + status
            + " from "
            + response.uri()
            + " for "
            + filename
            + " of "
            + ref);
  }

  private static String errorCode(HttpResponse<?> response) {
    return response.headers().firstValue("X-Error-Code").map(String::strip).orElse(null);
  }

  private URI resolveUrl(ModelRef ref, String filename) {
    return URI.create(
        config.endpoint()
            + "/"
            + ref.repo()
            + "/resolve/"
            + UrlEncoding.encode(ref.revision(), false)
            + "/"
            + UrlEncoding.encode(filename, true));
  }

  /**
   * Rejects file names that could leave the snapshot folder: absolute paths, {@code ..}, empty
   * segments, backslashes and control characters.
   */
  static void validateFilename(String filename) {
    Objects.requireNonNull(filename, "filename");
    boolean bad = filename.isEmpty() || filename.startsWith("/") || filename.contains("\\");
    for (String segment : filename.split("/", -1)) {
      bad |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
    }
    for (int i = 0; i < filename.length() && !bad; i++) {
      bad = Character.isISOControl(filename.charAt(i));
    }
    if (bad) {
      throw new IllegalArgumentException(
          "Invalid file name '" + filename + "': expected a relative path inside the repository");
    }
  }

  /** A 404 for the whole repository or revision, which {@link #tryDownload} must not hide. */
  static final class RepoOrRevisionNotFound extends HubException {
    private static final long serialVersionUID = 1L;

    RepoOrRevisionNotFound(String message) {
      super(Kind.NOT_FOUND, message);
    }
  }
}
