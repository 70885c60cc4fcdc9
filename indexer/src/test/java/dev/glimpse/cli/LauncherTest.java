package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./glimpse} launcher script itself, run by bash in a copy of the repository layout. Its
 * Java and Maven are stand-in scripts: what is under test is the launcher's own logic (the version
 * check, the build's progress lines, the warning filter), which must not need a real JDK 17 or a
 * two-minute build to be exercised.
 */
class LauncherTest {
  private static final String INCUBATOR = "WARNING: Using incubator modules: jdk.incubator.vector";

  @TempDir Path tmp;

  record Run(int exitCode, String output) {}

  /** A copy of the launcher in an otherwise empty repository folder. */
  private Path repo() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path launcher = repo.resolve("glimpse");
    Files.copy(Path.of("..", "glimpse"), launcher);
    executable(launcher);
    return repo;
  }

  /**
   * A JDK folder whose {@code java} prints the launcher's JVM options on stdout, then the incubator
   * warning (as the JVM does, first) and a line of its own on stderr, and exits 3.
   */
  private Path jdk(String version, boolean releaseFile) throws IOException {
    Path home =
        Files.createDirectories(tmp.resolve("jdk-" + version + (releaseFile ? "" : "-bare")));
    Path bin = Files.createDirectories(home.resolve("bin"));
    if (releaseFile) {
      Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    }
    script(
        bin.resolve("java"),
        "if [ \"$1\" = -version ]; then echo 'openjdk version \""
            + version
            + "\" 2025-04-15' >&2; exit 0; fi\n"
            + "echo \"args: $*\"\n"
            + "echo '"
            + INCUBATOR
            + "' >&2\n"
            + "echo 'glimpse: the program speaks' >&2\n"
            + "exit 3\n");
    script(bin.resolve("javac"), "exit 0\n");
    return home;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
    executable(file);
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path jar(Path repo) throws IOException {
    Path jar = repo.resolve("indexer/target/glimpse.jar");
    Files.createDirectories(jar.getParent());
    return jar;
  }

  private Run run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(tmp.resolve("out.txt").toFile());
    int code = pb.start().waitFor();
    return new Run(code, Files.readString(tmp.resolve("out.txt")));
  }

  private Run glimpse(Path repo, Path javaHome, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", repo.resolve("glimpse").toString()));
    command.addAll(List.of(args));
    return run(command, Map.of("GLIMPSE_JAVA_HOME", javaHome.toString()));
  }

  @Test
  void java_17_is_refused_in_one_line_naming_what_to_install_and_set() throws Exception {
    Path repo = repo();
    for (boolean releaseFile : new boolean[] {true, false}) {
      Run r = glimpse(repo, jdk("17.0.15", releaseFile), "--version");
      assertEquals(1, r.exitCode(), r.output());
      assertEquals(1, r.output().strip().lines().count(), r.output());
      assertTrue(r.output().contains("is Java 17"), r.output());
      assertTrue(r.output().contains("Java 21 or newer"), r.output());
      assertTrue(r.output().contains("GLIMPSE_JAVA_HOME (or JAVA_HOME)"), r.output());
      assertFalse(r.output().contains("UnsupportedClassVersionError"), r.output());
    }
    Run java8 = glimpse(repo, jdk("1.8.0_392", false), "--version");
    assertEquals(1, java8.exitCode(), java8.output());
    assertTrue(java8.output().contains("is Java 8"), java8.output());
  }

  @Test
  void a_missing_java_is_said_in_one_line() throws Exception {
    Run r = glimpse(repo(), tmp.resolve("no-such-jdk"), "--version");
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().startsWith("glimpse: no java at "), r.output());
  }

  @Test
  void the_first_build_shows_one_line_per_module_and_then_runs() throws Exception {
    Path repo = repo();
    Path jar = jar(repo);
    // Maven's own log, much shortened: the launcher keeps the module lines and drops the rest.
    script(
        repo.resolve("mvnw"),
        "echo '[INFO] Scanning for projects...'\n"
            + "echo '[INFO] Building Glimpse 0.1.0-SNAPSHOT                                    [1/2]'\n"
            + "echo '[INFO] --- compiler:3.14.0:compile (default-compile) @ glimpse-core ---'\n"
            + "echo '[INFO] Building Glimpse CLI 0.1.0-SNAPSHOT                                [2/2]'\n"
            + "echo '[INFO] --- shade:3.6.0:shade (default) @ glimpse-indexer ---'\n"
            + "touch '"
            + jar
            + "'\n");
    Run r = glimpse(repo, jdk("25.0.3", true), "status");
    assertEquals(3, r.exitCode(), r.output());
    List<String> lines = r.output().lines().toList();
    assertTrue(lines.get(0).startsWith("glimpse: building "), r.output());
    assertEquals("glimpse:   [1/2] Glimpse 0.1.0-SNAPSHOT", lines.get(1));
    assertEquals("glimpse:   [2/2] Glimpse CLI 0.1.0-SNAPSHOT", lines.get(2));
    assertTrue(lines.get(3).contains("packing the jar"), r.output());
    assertFalse(r.output().contains("Scanning") || r.output().contains("compiler:"), r.output());
    // Then the program runs, with the Vector API module that gives Lucene its SIMD.
    assertTrue(r.output().contains("--add-modules jdk.incubator.vector"), r.output());
    assertTrue(r.output().contains("-jar " + jar + " status"), r.output());
  }

  @Test
  void a_failed_first_build_shows_maven_errors_and_fails() throws Exception {
    Path repo = repo();
    jar(repo);
    script(
        repo.resolve("mvnw"),
        """
        echo '[INFO] Building Glimpse 0.1.0-SNAPSHOT [1/1]'
        echo '[ERROR] COMPILATION ERROR : something is wrong'
        exit 1
        """);
    Run r = glimpse(repo, jdk("25.0.3", true), "status");
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("[ERROR] COMPILATION ERROR : something is wrong"), r.output());
    assertFalse(r.output().contains("args:"), "the program must not run: " + r.output());
  }

  @Test
  void on_a_terminal_the_incubator_warning_is_dropped_and_the_rest_passes() throws Exception {
    Path repo = repo();
    Files.createFile(jar(repo));
    Path java = jdk("25.0.3", true);
    // script(1) gives the launcher a terminal, as a user's shell would.
    Run onTerminal =
        run(
            List.of(
                "script",
                "-q",
                "-e",
                "-c",
                "bash " + repo.resolve("glimpse") + " status",
                tmp.resolve("typescript").toString()),
            Map.of("GLIMPSE_JAVA_HOME", java.toString()));
    assertEquals(3, onTerminal.exitCode(), onTerminal.output());
    assertFalse(onTerminal.output().contains(INCUBATOR), onTerminal.output());
    assertTrue(onTerminal.output().contains("glimpse: the program speaks"), onTerminal.output());
    assertTrue(onTerminal.output().contains("--add-modules jdk.incubator.vector"));

    // Redirected (scripts, logs), stderr is the JVM's own, complete when it exits.
    Run redirected = glimpse(repo, java, "status");
    assertEquals(3, redirected.exitCode(), redirected.output());
    assertTrue(redirected.output().contains(INCUBATOR), redirected.output());
  }
}
