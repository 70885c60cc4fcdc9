package dev.glimpse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.glimpse.core.docs.DocExamples;
import dev.glimpse.core.docs.DocExamples.Block;
import dev.glimpse.core.hub.FakeHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every block tagged {@code bash} in docs/cli.md and docs/api.md runs verbatim, each in its own
 * {@code bash -e}, in a sandbox a reader could have:
 *
 * <ul>
 *   <li>{@code HOME} is a temporary folder with sample photos in {@code ~/Pictures}; the working
 *       folder holds {@code photo.jpg};
 *   <li>{@code glimpse} on the PATH runs this build's CLI in a child JVM with the launcher's JVM
 *       flags (the {@code ./glimpse} launcher itself runs the shaded jar, which does not exist yet
 *       in the test phase);
 *   <li>{@code HF_ENDPOINT} is a real local hub on port 0 serving the tiny fixture checkpoint under
 *       the default model id, so the examples download "the" model as a user would;
 *   <li>for api.md, {@code glimpse serve} runs in the background on a free port, and {@code curl}
 *       on the PATH sends the examples' {@code 127.0.0.1:7070} there and fails on an error status
 *       ({@code --fail-with-body}), so an example that gets a 4xx or 5xx fails.
 * </ul>
 *
 * Blocks are run in document order and share the sandbox (the index the first builds is the one the
 * next search reads), as when pasted one after another.
 */
class DocsExamplesTest {
  private static final Duration BLOCK_DEADLINE = Duration.ofMinutes(5);
  private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");
  private static final List<String> PHOTOS =
      List.of(
          "animal-cat-eating.jpg",
          "animal-two-cats.jpg",
          "animal-seagull-over-beach.jpg",
          "city-pagoda-china.jpg",
          "food-pizza.jpg",
          "food-citrus-fruits.jpg");

  @TempDir Path tmp;

  private record Sandbox(Path home, Path work, Path bin, Map<String, String> env) {}

  @Test
  void docs_tag_examples_bash_and_nothing_as_sh() throws IOException {
    for (String doc : List.of("cli.md", "api.md")) {
      List<Block> blocks = DocExamples.blocks(DocExamples.docs().resolve(doc));
      assertFalse(bash(blocks).isEmpty(), doc + " has no bash examples");
      for (Block b : blocks) {
        // An example tagged sh, shell or console would silently escape this test.
        assertTrue(
            Set.of("", "bash", "json").contains(b.tag()),
            doc + ":" + b.line() + " is tagged '" + b.tag() + "'; use bash (runs) or none");
      }
    }
  }

  @Test
  void every_bash_block_of_cli_md_and_api_md_runs_verbatim() throws Exception {
    requireTools("curl", "jq", "base64", "sha256sum");
    try (FakeHub hub = FakeHub.start()) {
      hub.addFixtureRepo(ModelOptions.DEFAULT_MODEL, Cli.fixture("tiny-clip-hf"));
      Sandbox box = sandbox(hub);
      List<String> failures = new ArrayList<>();
      for (Block b : bash(DocExamples.blocks(DocExamples.docs().resolve("cli.md")))) {
        runBlock(box, "cli.md", b).ifPresent(failures::add);
      }
      // api.md's examples talk to a running server over the index of ~/Pictures.
      Optional<String> indexed =
          runBlock(box, "setup", new Block("bash", "glimpse index ~/Pictures\n", 0));
      assertEquals(Optional.empty(), indexed);
      Process server = startServer(box);
      try {
        for (Block b : bash(DocExamples.blocks(DocExamples.docs().resolve("api.md")))) {
          runBlock(box, "api.md", b).ifPresent(failures::add);
        }
      } finally {
        server.destroy(); // SIGTERM: the graceful stop the docs promise
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      assertEquals(List.of(), failures, String.join("\n\n", failures));
    }
  }

  private static List<Block> bash(List<Block> blocks) {
    return blocks.stream().filter(b -> b.tag().equals("bash")).toList();
  }

  private static void requireTools(String... tools) {
    for (String t : tools) {
      boolean found =
          Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
              .anyMatch(d -> Files.isExecutable(Path.of(d, t)));
      if (!found) {
        fail("the docs examples need " + t + " on the PATH");
      }
    }
  }

  private Sandbox sandbox(FakeHub hub) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path pictures = Files.createDirectories(home.resolve("Pictures"));
    for (String p : PHOTOS) {
      Files.copy(Path.of("..", "samples", "photos", p), pictures.resolve(p));
    }
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path photo =
        Files.copy(
            Path.of("..", "samples", "photos", "animal-honey-bee-on-aster.jpg"),
            work.resolve("photo.jpg"));
    // Over 96 KB, its base64 is longer than one command argument may be (128 KB): an example that
    // passes it as an argument fails here as it would for a user.
    if (Files.size(photo) <= 96 * 1024) {
      throw new IllegalStateException(photo + " must be over 96 KB");
    }
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // The launcher's JVM flags (see ./glimpse), on this build's classes.
    script(
        bin.resolve("glimpse"),
        "exec "
            + quote(java.toString())
            + " --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " -Dorg.bytedeco.javacpp.maxBytes=0 -Dorg.bytedeco.javacpp.maxPhysicalBytes=0"
            + " -XX:+UseParallelGC -Dglimpse.stderr.tty=0 -Dsun.stdout.encoding=UTF-8"
            + " -Dsun.stderr.encoding=UTF-8 -cp "
            + quote(System.getProperty("java.class.path"))
            + " dev.glimpse.cli.GlimpseCli \"$@\"");
    Map<String, String> env =
        Map.of(
            "HOME", home.toString(),
            "PATH", bin + ":/usr/local/bin:/usr/bin:/bin",
            "HF_ENDPOINT", hub.endpoint().toString(),
            "LANG", "C.UTF-8",
            "TMPDIR", Files.createDirectories(tmp.resolve("tmp")).toString());
    return new Sandbox(home, work, bin, env);
  }

  /** Starts {@code glimpse serve --port 0} and points the PATH's curl at it. */
  private Process startServer(Sandbox box) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(box.bin().resolve("glimpse").toString(), "serve", "--port", "0")
            .directory(box.work().toFile())
            .redirectError(tmp.resolve("serve.err").toFile());
    pb.environment().clear();
    pb.environment().putAll(box.env());
    Process server = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8));
    CompletableFuture<String> port =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = URL.matcher(line);
                  if (m.find()) {
                    return m.group(1);
                  }
                }
                return null;
              } catch (IOException e) {
                return null;
              }
            });
    String p = port.get(BLOCK_DEADLINE.toSeconds(), TimeUnit.SECONDS); // a safety net only
    if (p == null) {
      fail(
          "glimpse serve stopped before it listened:\n"
              + Files.readString(tmp.resolve("serve.err")));
    }
    Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> {})); // keep it draining
    script(
        box.bin().resolve("curl"),
        "args=()\n"
            + "for a in \"$@\"; do args+=(\"${a//127.0.0.1:7070/127.0.0.1:"
            + p
            + "}\"); done\n"
            + "exec /usr/bin/curl --fail-with-body --show-error \"${args[@]}\"");
    return server;
  }

  /** Runs one block with {@code bash -e}; a description of the failure, or empty. */
  private Optional<String> runBlock(Sandbox box, String doc, Block b) throws Exception {
    Path file = tmp.resolve("blocks").resolve(doc + "-" + b.line() + ".sh");
    Files.createDirectories(file.getParent());
    Files.writeString(file, b.text());
    Path log = tmp.resolve("blocks").resolve(doc + "-" + b.line() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-e", file.toString())
            .directory(box.work().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(box.env());
    Process p = pb.start();
    if (!p.waitFor(BLOCK_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return Optional.of(doc + ":" + b.line() + " did not finish\n" + b.text());
    }
    if (p.exitValue() != 0) {
      return Optional.of(
          doc
              + ":"
              + b.line()
              + " exited with "
              + p.exitValue()
              + "\n--- block\n"
              + b.text()
              + "--- output\n"
              + Files.readString(log));
    }
    return Optional.empty();
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
