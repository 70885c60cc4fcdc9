package dev.glimpse.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI in a child JVM whose output (stdout and stderr together) the test reads as it comes, so
 * that it acts on what the child says it did rather than on a timer. A copy goes to a log file for
 * failure messages.
 */
final class CliChild implements AutoCloseable {
  /** The JVM option that stops a child at the N-th time it reaches an index place. */
  static String pauseAt(String place, int nth) {
    return "-Dglimpse.test.pauseAt=" + place + "@" + nth;
  }

  /** What a child stopped at a place prints (see core's {@code CrashPoints}). */
  static final String PAUSED = "glimpse.test: paused at ";

  private final Process process;
  private final BufferedReader output;
  private final Path log;

  private CliChild(Process process, Path log) {
    this.process = process;
    this.output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.log = log;
  }

  /**
   * Starts the CLI in a child JVM (with the launcher's vector module).
   *
   * @param jvmOptions extra JVM options, e.g. {@link #pauseAt}
   * @param env extra environment variables
   * @param log where a copy of the output goes
   * @param args the command line, e.g. {@code index DIR --index DIR}
   */
  static CliChild start(List<String> jvmOptions, Map<String, String> env, Path log, String... args)
      throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GlimpseCli.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Files.writeString(log, "");
    return new CliChild(pb.start(), log);
  }

  /**
   * Reads the child's output up to the first line containing {@code text} and returns it.
   *
   * @throws AssertionError if the child's output ends first (it exited), with what it printed
   */
  String awaitLine(String text) throws IOException {
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
      if (line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError(
        "the child ended without printing '" + text + "': " + Files.readString(log));
  }

  /** Kills the child with SIGKILL, reads the rest of its output and waits for it to end. */
  int kill() throws IOException, InterruptedException {
    // through the handle: Process.destroyForcibly would also close the output before it is read
    process.toHandle().destroyForcibly();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
    }
    return process.waitFor();
  }

  /** Stops the child with SIGTERM (its shutdown hooks run), reads the rest of its output, waits. */
  int terminate() throws IOException, InterruptedException {
    process.toHandle().destroy();
    for (String line = output.readLine(); line != null; line = output.readLine()) {
      Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
    }
    return process.waitFor();
  }

  /** What the child printed so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** No child outlives its test, whatever failed. */
  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    output.close();
  }
}
