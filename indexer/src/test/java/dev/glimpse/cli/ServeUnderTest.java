package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * {@code glimpse serve} run in-process on its own thread, as the CLI tests need it: started with
 * {@code --port 0}, its printed URL awaited, stopped by interrupting the thread (what the command
 * does on SIGTERM).
 */
final class ServeUnderTest implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final Thread thread;
  private final StringWriter err;
  private final AtomicInteger exit;
  private final String base;

  private ServeUnderTest(
      Thread thread, StringWriter err, AtomicInteger exit, CompletableFuture<String> url)
      throws InterruptedException {
    this.thread = thread;
    this.err = err;
    this.exit = exit;
    this.base = awaitUrl(url);
  }

  /**
   * Starts {@code glimpse serve --port 0 ARGS...} and waits until it prints its URL.
   *
   * @param env the CLI's environment
   * @param args more options, e.g. {@code --index DIR --cache-dir DIR}
   */
  static ServeUnderTest start(Map<String, String> env, String... args) throws InterruptedException {
    CommandLine cli = GlimpseCli.commandLine(env);
    CompletableFuture<String> url = new CompletableFuture<>();
    UrlWatcher out = new UrlWatcher(url);
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
    all.addAll(List.of(args));
    Thread thread =
        new Thread(
            () -> {
              exit.set(cli.execute(all.toArray(String[]::new)));
              url.completeExceptionally(
                  new AssertionError("serve exited (" + exit.get() + ") early: " + out + err));
            },
            "serve-under-test");
    thread.start();
    return new ServeUnderTest(thread, err, exit, url);
  }

  /** The base URL, ending in {@code /}. */
  String base() {
    return base;
  }

  /** What the server printed on stderr so far. */
  String err() {
    return err.toString();
  }

  /** Stops the server and returns its exit code. */
  int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(30_000);
    assertTrue(!thread.isAlive(), "serve did not stop: " + err);
    return exit.get();
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while stopping serve", e);
      }
    }
  }

  /** The printed URL, as soon as it is printed; the limit is only a safety net against a hang. */
  private String awaitUrl(CompletableFuture<String> url) throws InterruptedException {
    try {
      return url.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (AssertionError) e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no URL printed within " + START_LIMIT + ": " + err, e);
    }
  }

  /** The server's standard output, completing {@code url} when the URL first appears in it. */
  private static final class UrlWatcher extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final CompletableFuture<String> url;

    UrlWatcher(CompletableFuture<String> url) {
      this.url = url;
    }

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
      if (!url.isDone()) {
        Matcher m = URL.matcher(text);
        if (m.find()) {
          url.complete(m.group());
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public synchronized String toString() {
      return text.toString();
    }
  }
}
