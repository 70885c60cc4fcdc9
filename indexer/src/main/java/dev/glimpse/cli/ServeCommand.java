package dev.glimpse.cli;

import dev.glimpse.api.ApiConfig;
import dev.glimpse.api.IndexSource;
import dev.glimpse.api.SearchApp;
import dev.glimpse.api.SearchService;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.IndexSettings;
import dev.glimpse.core.indexing.IndexingOptions;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code glimpse serve}: the search API and web UI over an index, with the index's own model. Runs
 * until SIGTERM or Ctrl-C (a shutdown hook stops the server, then closes the index and the model),
 * or until its thread is interrupted.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the search API (/api) and the web UI (/) over an index."
          + " Binds to 127.0.0.1 by default; any other address needs an API key (--api-key-file or"
          + " GLIMPSE_API_KEY), sent by clients as 'Authorization: Bearer KEY'."
          + " New commits of a 'glimpse index' running beside it show up within a second or two,"
          + " and so does a model switch (--reindex): the server loads the new model and index"
          + " and swaps both without a restart.",
      "With --watch DIR..., it also watches those photo folders and indexes their changes."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin PrecisionOption precision = new PrecisionOption();

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(
      names = "--host",
      defaultValue = ApiConfig.DEFAULT_HOST,
      description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7070",
      description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "File holding the API key (first line). Default: $GLIMPSE_API_KEY.")
  Path apiKeyFile;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Thumbnail cache folder (default: $XDG_CACHE_HOME/glimpse/thumbnails).")
  Path cacheDir;

  @Option(
      names = "--watch",
      arity = "0..*",
      paramLabel = "DIR",
      description =
          "Also watch these photo folders (none given: the folders the index remembers) and index"
              + " new, changed, moved and deleted photos into the index as they happen, with the"
              + " server's model and the options the index remembers (hidden files, pixel limit).")
  List<Path> watch;

  @picocli.CommandLine.Mixin WatchOptions watchOptions = new WatchOptions();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be between 0 and 65535, got " + port);
    }
    for (Path dir : watch == null ? List.<Path>of() : watch) {
      if (!Files.isDirectory(dir)) {
        throw new UsageException("folder " + dir + " does not exist or is not a folder");
      }
    }
    watchOptions.config(); // usage errors before the model loads
    Map<String, String> env = GlimpseCli.root(spec).environment();
    ApiConfig config;
    try {
      config = ApiConfig.forHost(host, apiKey(env)).withThumbnailCacheDir(cacheDir(env));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    System.setProperty("java.awt.headless", "true");
    Path indexDir = IndexLocation.resolve(index, env);
    PrintWriter out = spec.commandLine().getOut();
    try {
      serve(config, indexDir, env, out);
    } finally {
      closed.countDown();
    }
    return GlimpseCli.OK;
  }

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  private void serve(ApiConfig config, Path indexDir, Map<String, String> env, PrintWriter out)
      throws Exception {
    if (!IndexOption.exists(indexDir)) {
      throw new UsageException(
          "no glimpse index at " + indexDir + "; create it with: glimpse index PHOTO_FOLDER");
    }
    IndexHome home = IndexHome.at(indexDir);
    IndexSource source =
        new HomeIndexSource(home, precision.clipOptions(), spec.commandLine().getErr(), env);
    try (SearchService service = SearchService.following(source, config);
        ServedWatch watcher = watchFolders(service, home)) {
      service.warmUp();
      Javalin app = SearchApp.create(service, config);
      Thread hook =
          new Thread(
              () -> {
                app.stop();
                stopped.countDown();
                awaitQuietly(closed);
              },
              "glimpse-serve-shutdown");
      start(app);
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("Glimpse is serving " + service.stats().images() + " images");
      out.println("  http://" + urlHost(host) + ":" + app.port() + "/");
      if (watcher != null) {
        out.println("  watching " + watcher.folders() + " folder(s) for changes");
      }
      out.flush();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        // Stopped in-process (tests, embedding): do what the shutdown hook would have done.
        Runtime.getRuntime().removeShutdownHook(hook);
        app.stop();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts listening; a port in use or an address not of this machine is said in words. */
  private void start(Javalin app) throws IOException {
    try {
      app.start(host, port);
    } catch (JavalinBindException e) {
      // Javalin says "port in use" for every bind failure; the socket's own reason is deepest.
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String reason = String.valueOf(root.getMessage());
      String why =
          reason.contains("in use")
              ? "the port is already in use (stop the other server, or pick another with --port)"
              : reason;
      throw new IOException("cannot listen on " + urlHost(host) + ":" + port + ": " + why, e);
    }
  }

  /**
   * Starts the {@code --watch} folder watcher on the server's index generation and model (and
   * restarts it on the new pair after a model switch); null without {@code --watch}.
   */
  private ServedWatch watchFolders(SearchService service, IndexHome home)
      throws IOException, UsageException {
    if (watch == null) {
      return null;
    }
    IndexSettings remembered =
        IndexOption.recorded(home.path()).settings().orElse(IndexSettings.defaults(List.of()));
    List<Path> folders =
        (watch.isEmpty() ? remembered.roots() : watch)
            .stream().map(p -> p.toAbsolutePath().normalize()).toList();
    if (folders.isEmpty()) {
      throw new UsageException(
          "--watch without folders watches the folders the index remembers, and the index at "
              + home.path()
              + " remembers none; name them: --watch DIR...");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    // Half the cores decode, so that queries stay quick while a burst of photos is indexed.
    IndexingOptions options =
        new IndexingOptions(
            folders,
            32,
            Math.max(1, cores / 2),
            remembered.includeHidden(),
            IndexingOptions.DEFAULT_COMMIT_EVERY,
            IndexingOptions.DEFAULT_COMMIT_INTERVAL,
            false,
            IndexingOptions.DEFAULT_MAX_FILE_BYTES);
    ServedWatch watcher =
        new ServedWatch(
            service,
            home,
            options,
            new ImageDecoder(remembered.maxPixels(), true),
            watchOptions.config());
    try {
      watcher.start();
    } catch (IOException | RuntimeException e) {
      watcher.close();
      throw e;
    }
    return watcher;
  }

  /** Lets the shutdown hook wait (bounded) until the index and model are closed. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<String> apiKey(Map<String, String> env) throws Exception {
    if (apiKeyFile != null) {
      if (!Files.isRegularFile(apiKeyFile)) {
        throw new UsageException("API key file " + apiKeyFile + " does not exist");
      }
      String key =
          Files.readString(apiKeyFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      if (key.isBlank()) {
        throw new UsageException("API key file " + apiKeyFile + " is empty");
      }
      return Optional.of(key.strip());
    }
    return Optional.ofNullable(env.get("GLIMPSE_API_KEY")).filter(k -> !k.isBlank());
  }

  private Path cacheDir(Map<String, String> env) {
    if (cacheDir != null) {
      return cacheDir.toAbsolutePath().normalize();
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
    return base.resolve("glimpse").resolve("thumbnails").toAbsolutePath().normalize();
  }

  private static String urlHost(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
