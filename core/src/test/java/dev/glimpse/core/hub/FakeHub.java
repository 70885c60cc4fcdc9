package dev.glimpse.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A local stand-in for the Hugging Face hub on a free port. It answers {@code
 * /{org}/{name}/resolve/{revision}/{file}} like the hub: files over 1 MB ("LFS") with a 302 to
 * {@code /cdn/...} carrying {@code X-Linked-Etag} (sha256) and {@code X-Repo-Commit}; small files
 * with 200, a git-blob-sha1 {@code ETag} and {@code X-Repo-Commit}; missing files with 404 and
 * {@code X-Error-Code: EntryNotFound}. The CDN honours {@code Range}. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {

  static final int LFS_THRESHOLD = 1 << 20;

  /** One recorded request. */
  public record Request(String method, String path, String authorization, String range) {}

  /** A repository's commits, and the one {@code main} points at. */
  private record Repo(String main, Map<String, Map<String, byte[]>> commits) {
    Map<String, byte[]> files() {
      return commits.get(main);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
  private final Set<String> breakOnce = ConcurrentHashMap.newKeySet();
  private final Map<String, String> renamed = new ConcurrentHashMap<>();
  private volatile String requiredToken;

  private FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static FakeHub start() throws IOException {
    return new FakeHub();
  }

  /** The hub's URL, on 127.0.0.1; absolute CDN redirects go to {@code localhost} instead. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds a repository; its commit hash is derived from the name. */
  public String addRepo(String repo, Map<String, byte[]> files) {
    String commit = sha1(repo.getBytes(StandardCharsets.UTF_8));
    repos.put(repo, new Repo(commit, Map.of(commit, Map.copyOf(files))));
    return commit;
  }

  /**
   * Adds a commit with these files and moves {@code main} to it; older commits stay reachable by
   * their hash, as on the hub.
   *
   * @return the new commit's hash
   */
  public String pushCommit(String repo, Map<String, byte[]> files) {
    Repo old = repos.get(repo);
    String commit = sha1((repo + "\n" + old.commits().size()).getBytes(StandardCharsets.UTF_8));
    Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>(old.commits());
    commits.put(commit, Map.copyOf(files));
    repos.put(repo, new Repo(commit, commits));
    return commit;
  }

  /** Forgets a commit that {@code main} no longer points at, as a force-push or squash does. */
  public void dropCommit(String repo, String commit) {
    Repo old = repos.get(repo);
    if (old.main().equals(commit)) {
      throw new IllegalArgumentException("cannot drop main's commit " + commit);
    }
    Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>(old.commits());
    commits.remove(commit);
    repos.put(repo, new Repo(old.main(), commits));
  }

  /** The files of a repository's commit (e.g. to derive a changed commit from them). */
  public Map<String, byte[]> files(String repo, String commit) {
    return repos.get(repo).commits().get(commit);
  }

  /** Adds every file under a fixture folder as a repository. */
  public String addFixtureRepo(String repo, Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return addRepo(repo, files);
  }

  /** The commit {@code main} points at. */
  public String commit(String repo) {
    return repos.get(repo).main();
  }

  /** Serve wrong bytes (with the right hash headers) for this LFS file. */
  public void corrupt(String repo, String file) {
    corrupt.add(repo + "/" + file);
  }

  /** The first CDN download of this file closes the connection after half of the bytes. */
  public void breakOnce(String repo, String file) {
    breakOnce.add(repo + "/" + file);
  }

  /** Requests for {@code oldRepo} get a 307 to {@code newRepo}, as the hub does after a rename. */
  void rename(String oldRepo, String newRepo) {
    renamed.put(oldRepo, newRepo);
  }

  /** Answer 401 unless {@code Authorization: Bearer token} is sent to resolve URLs. */
  void requireToken(String token) {
    requiredToken = token;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Range")));
      String[] parts = path.split("/", 6);
      if (path.startsWith("/cdn/")) {
        cdn(exchange, path.substring("/cdn/".length()));
      } else if (parts.length == 6 && parts[3].equals("resolve")) {
        resolve(exchange, parts[1] + "/" + parts[2], decode(parts[4]), decode(parts[5]));
      } else {
        send(exchange, 404, new byte[0]);
      }
    }
    // an exception thrown from here (a deliberately broken transfer) makes the server drop the
    // connection
  }

  private void resolve(HttpExchange exchange, String repoId, String revision, String file)
      throws IOException {
    String token = requiredToken;
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (token != null && !("Bearer " + token).equals(auth)) {
      exchange.getResponseHeaders().set("X-Error-Code", "GatedRepo");
      send(exchange, 401, new byte[0]);
      return;
    }
    String newName = renamed.get(repoId);
    if (newName != null) {
      String rawPath = exchange.getRequestURI().getRawPath();
      exchange
          .getResponseHeaders()
          .set("Location", "/" + newName + rawPath.substring(repoId.length() + 1));
      exchange.sendResponseHeaders(307, -1);
      return;
    }
    Repo repo = repos.get(repoId);
    if (repo == null) {
      exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
      send(exchange, 401, new byte[0]);
      return;
    }
    String commit = revision.equals("main") ? repo.main() : revision;
    Map<String, byte[]> files = repo.commits().get(commit);
    if (files == null) {
      exchange.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
      send(exchange, 404, new byte[0]);
      return;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("X-Repo-Commit", commit);
    byte[] content = files.get(file);
    if (content == null) {
      headers.set("X-Error-Code", "EntryNotFound");
      send(exchange, 404, new byte[0]);
      return;
    }
    if (content.length > LFS_THRESHOLD) {
      String sha256 = sha256(content);
      headers.set("X-Linked-Etag", "\"" + sha256 + "\"");
      headers.set("ETag", "\"" + sha256 + "\"");
      headers.set("X-Linked-Size", Long.toString(content.length));
      String cdnPath = "/cdn/" + repoId + "/" + file + "?commit=" + commit;
      // JSON files get an absolute redirect to another host name, weights a relative one.
      headers.set(
          "Location",
          file.endsWith(".json")
              ? "http://localhost:" + server.getAddress().getPort() + cdnPath
              : cdnPath);
      exchange.sendResponseHeaders(302, -1);
      return;
    }
    headers.set("ETag", "\"" + gitBlobSha1(content) + "\"");
    send(exchange, 200, content);
  }

  private void cdn(HttpExchange exchange, String key) throws IOException {
    String repoId = key.substring(0, key.indexOf('/', key.indexOf('/') + 1));
    String file = decode(key.substring(repoId.length() + 1));
    Repo repo = repos.get(repoId);
    String query = exchange.getRequestURI().getRawQuery();
    String commit =
        query != null && query.startsWith("commit=") ? query.substring("commit=".length()) : null;
    Map<String, byte[]> files =
        repo == null ? null : commit == null ? repo.files() : repo.commits().get(commit);
    byte[] content = files == null ? null : files.get(file);
    if (content == null) {
      send(exchange, 404, new byte[0]);
      return;
    }
    if (corrupt.contains(key)) {
      content = content.clone();
      content[content.length / 2] ^= 0x55;
    }
    long start = 0;
    int status = 200;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
      start = Long.parseLong(range.substring(6, range.length() - 1));
      if (start >= content.length) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
        send(exchange, 416, new byte[0]);
        return;
      }
      status = 206;
      exchange
          .getResponseHeaders()
          .set(
              "Content-Range",
              "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
    }
    int from = (int) start;
    int length = content.length - from;
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, length);
    OutputStream out = exchange.getResponseBody();
    if (breakOnce.remove(key)) {
      out.write(content, from, length / 2);
      out.flush();
      // closing with bytes still owed throws, and the server then drops the connection
      out.close();
      throw new IOException("transfer broken on purpose");
    }
    out.write(content, from, length);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  static String sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  static String sha1(byte[] data) {
    return digest("SHA-1", data);
  }

  static String gitBlobSha1(byte[] data) {
    byte[] header = ("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[header.length + data.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(data, 0, all, header.length, data.length);
    return sha1(all);
  }

  private static String digest(String algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path fixture(String name) {
    try {
      return Path.of(FakeHub.class.getResource("/fixtures/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
