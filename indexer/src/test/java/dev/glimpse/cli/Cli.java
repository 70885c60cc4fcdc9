package dev.glimpse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in-process and captures what it prints. */
final class Cli {
  record Result(int exitCode, String out, String err) {}

  private Cli() {}

  static Path fixture(String name) {
    String dir = System.getProperty("glimpse.fixtures");
    if (dir == null) {
      throw new IllegalStateException("system property glimpse.fixtures is not set (see pom)");
    }
    return Path.of(dir, name).toAbsolutePath().normalize();
  }

  static Result run(Map<String, String> env, String... args) {
    CommandLine cli = GlimpseCli.commandLine(env);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Images committed in the current generation of an index, 0 while there is none: for tests that
   * watch another process's progress.
   */
  static long committedImages(Path index) {
    try {
      if (!IndexOption.exists(index)) {
        return 0;
      }
      try (var store = IndexOption.openExisting(index)) {
        return store.stats().images();
      }
    } catch (java.io.IOException | UsageException e) {
      return 0; // not created yet, or mid-commit: ask again
    }
  }

  /**
   * Starts the CLI in a child JVM (with the launcher's vector module), its output to a log file,
   * for tests that kill it with SIGKILL or stop it at a crash point.
   *
   * @param jvmOptions extra JVM options, e.g. {@code -Dglimpse.test.crashAt=...}
   * @param env extra environment variables
   * @param log where stdout and stderr go
   * @param args the command line, e.g. {@code index DIR --index DIR}
   */
  static Process child(List<String> jvmOptions, Map<String, String> env, Path log, String... args)
      throws java.io.IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GlimpseCli.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }
}
