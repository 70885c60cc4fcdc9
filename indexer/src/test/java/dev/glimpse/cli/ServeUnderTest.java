package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final StringWriter out;
  private final StringWriter err;
  private final AtomicInteger exit;
  private final String base;

  private ServeUnderTest(Thread thread, StringWriter out, StringWriter err, AtomicInteger exit)
      throws InterruptedException {
    this.thread = thread;
    this.out = out;
    this.err = err;
    this.exit = exit;
    this.base = awaitUrl();
  }

  /**
   * Starts {@code glimpse serve --port 0 ARGS...} and waits until it prints its URL.
   *
   * @param env the CLI's environment
   * @param args more options, e.g. {@code --index DIR --cache-dir DIR}
   */
  static ServeUnderTest start(Map<String, String> env, String... args) throws InterruptedException {
    CommandLine cli = GlimpseCli.commandLine(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
    all.addAll(List.of(args));
    Thread thread =
        new Thread(() -> exit.set(cli.execute(all.toArray(String[]::new))), "serve-under-test");
    thread.start();
    return new ServeUnderTest(thread, out, err, exit);
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

  private String awaitUrl() throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(thread.isAlive(), "serve exited early: " + err);
      Matcher m = URL.matcher(out.toString());
      if (m.find()) {
        return m.group();
      }
      Thread.sleep(20); // polling for the printed URL; the deadline is only a safety net
    }
    throw new AssertionError("no URL printed: " + out + err);
  }
}
