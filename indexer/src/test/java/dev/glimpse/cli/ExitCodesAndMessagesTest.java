package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.index.IndexException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes as docs/cli.md documents them (2 for every usage error, 1 for failures that are not
 * the input's fault) and messages in words: one line, no class names.
 */
class ExitCodesAndMessagesTest {
  /** A Java class name as it would leak: FooException, JavalinBindException, or a dotted name. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b|\\b[a-z]+\\.[a-z]+\\.[A-Z]\\w+");

  @TempDir static Path tmp;
  private static Path index;

  private static Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static String model() {
    return Cli.fixture("tiny-clip-hf").toString();
  }

  @BeforeAll
  static void indexOnePhoto() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.copy(
        Path.of("..", "samples", "photos", "food-pizza.jpg"), photos.resolve("food-pizza.jpg"));
    index = tmp.resolve("index");
    Cli.Result r =
        Cli.run(env(), "index", photos.toString(), "--index", index.toString(), "--model", model());
    assertEquals(0, r.exitCode(), r.err());
  }

  /** One line, starting "glimpse: ", naming no class. */
  private static void assertOneLineInWords(Cli.Result r, String expected) {
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("glimpse: "), err);
    assertTrue(err.contains(expected), err);
    assertFalse(CLASS_NAME.matcher(err).find(), "a class name reaches the user: " + err);
  }

  @Test
  void bf16_on_the_torch_engine_is_a_usage_error() {
    Cli.Result r =
        Cli.run(
            env(),
            "embed",
            "--model",
            model(),
            "--engine",
            "torch",
            "--precision",
            "bf16",
            "--text",
            "a dog");
    assertEquals(GlimpseCli.USAGE, r.exitCode(), r.err());
    assertOneLineInWords(r, "bf16 runs on the onednn engine only");
  }

  @Test
  void siglip_in_int8_is_a_usage_error() {
    Cli.Result r =
        Cli.run(
            env(),
            "embed",
            "--model",
            Cli.fixture("tiny-siglip-hf").toString(),
            "--engine",
            "onnx",
            "--precision",
            "int8",
            "--text",
            "a dog");
    assertEquals(GlimpseCli.USAGE, r.exitCode(), r.err());
    assertOneLineInWords(r, "do not run in int8");
  }

  @Test
  void an_empty_model_folder_is_a_usage_error_like_a_missing_one() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty-model"));
    Cli.Result r = Cli.run(env(), "embed", "--model", empty.toString(), "--text", "a dog");
    assertEquals(GlimpseCli.USAGE, r.exitCode(), r.err());
    assertOneLineInWords(r, "neither config.json");

    Path missing = tmp.resolve("no-such-model");
    Cli.Result m = Cli.run(env(), "embed", "--model", missing.toString(), "--text", "a dog");
    assertEquals(GlimpseCli.USAGE, m.exitCode(), m.err());
    assertOneLineInWords(m, "No model directory");
  }

  @Test
  void a_date_range_that_ends_before_it_starts_is_a_usage_error_in_plain_words() {
    Cli.Result r =
        Cli.run(
            env(),
            "search",
            "pizza",
            "--index",
            index.toString(),
            "--from",
            "2025-01-01",
            "--to",
            "2024-01-01");
    assertEquals(GlimpseCli.USAGE, r.exitCode(), r.err());
    assertOneLineInWords(r, "is after the end date");
    assertFalse(r.err().contains("takenFrom"), r.err());
  }

  @Test
  void serve_on_a_port_in_use_fails_with_exit_1_saying_the_port_is_taken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      // A child JVM, so that what the libraries log to the process's stderr is seen too.
      Path log = tmp.resolve("serve-port-in-use.log");
      Process serve =
          Cli.child(
              List.of("--enable-native-access=ALL-UNNAMED"), // as the launcher runs it
              env(),
              log,
              "serve",
              "--index",
              index.toString(),
              "--port",
              port,
              "--cache-dir",
              tmp.resolve("cache").toString());
      assertEquals(GlimpseCli.FAILURE, serve.waitFor());
      String output = Files.readString(log);
      List<String> lines =
          output.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
      assertEquals(
          List.of(
              "glimpse: cannot listen on 127.0.0.1:"
                  + port
                  + ": the port is already in use (stop the other server, or pick another with"
                  + " --port)"),
          lines,
          output);
    }
  }

  @Test
  void messages_name_no_exception_class() {
    assertEquals(
        "no glimpse index at /x", CliErrors.message(new IndexException("no glimpse index at /x")));
    assertEquals(
        "no such file or folder: /a/b", CliErrors.message(new NoSuchFileException("/a/b")));
    assertEquals("permission denied: /a", CliErrors.message(new AccessDeniedException("/a")));
    String none = CliErrors.message(new IllegalStateException());
    assertFalse(CLASS_NAME.matcher(none).find(), none);
    assertEquals(GlimpseCli.FAILURE, CliErrors.exitCode(new IndexException("x")));
  }
}
