package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbedCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Map<String, String> env() {
    // An empty cache and an unreachable hub: a directory model must need neither.
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  private static float[] normalized(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] /= (float) Math.sqrt(s);
    }
    return out;
  }

  private static float maxAbs(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @ParameterizedTest
  @CsvSource({
    "tiny-clip-openai, onnx",
    "tiny-clip-hf, onnx",
    "tiny-clip-openai, torch",
    "tiny-clip-hf, torch",
    "tiny-clip-openai, onednn",
    "tiny-clip-hf, onednn"
  })
  void embeds_texts_and_images_in_input_order_matching_the_reference(String fixture, String engine)
      throws Exception {
    Path dir = Cli.fixture(fixture);
    JsonNode golden = JSON.readTree(dir.resolve("golden.json").toFile());
    Cli.Result r =
        Cli.run(
            env(),
            "embed",
            "--model",
            dir.toString(),
            "--engine",
            engine,
            "--precision",
            "fp32",
            "--text",
            "a photo of a dog",
            "--image",
            dir.resolve("images/rocket.jpg").toString(),
            "--text",
            "a cat",
            "--image",
            dir.resolve("images/coins.png").toString());
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(4, lines.size(), r.out());
    String[] types = {"text", "image", "text", "image"};
    for (int i = 0; i < 4; i++) {
      JsonNode n = JSON.readTree(lines.get(i));
      assertEquals(types[i], n.get("type").asText());
      float[] v = floats(n.get("embedding"));
      assertEquals(32, v.length);
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      assertEquals(1.0, norm, 1e-5, "embedding is L2-normalised");
    }
    assertEquals("a cat", JSON.readTree(lines.get(2)).get("input").asText());
    float[] dog = floats(JSON.readTree(lines.get(0)).get("embedding"));
    float[] dogRef = normalized(floats(golden.get("texts").get(0).get("text_embeds")));
    assertTrue(maxAbs(dogRef, dog) < 2e-5f, "text vs reference " + maxAbs(dogRef, dog));
    // Image files go through the Pillow-exact preprocessing, so they meet the reference too.
    float[] rocket = floats(JSON.readTree(lines.get(1)).get("embedding"));
    JsonNode rocketGolden = golden.get("images").get(1);
    assertEquals("images/rocket.jpg", rocketGolden.get("file").asText());
    float[] rocketRef = normalized(floats(rocketGolden.get("image_embeds")));
    assertTrue(
        maxAbs(rocketRef, rocket) < 2e-5f, "image vs reference " + maxAbs(rocketRef, rocket));
  }

  @Test
  void bf16_precision_embeds_a_query_close_to_fp32() throws Exception {
    String model = Cli.fixture("tiny-clip-hf").toString();
    Cli.Result exact =
        Cli.run(
            env(), "embed", "--model", model, "--precision", "fp32", "--text", "a photo of a dog");
    Cli.Result fast =
        Cli.run(
            env(), "embed", "--model", model, "--precision", "BF16", "--text", "a photo of a dog");
    assertEquals(0, exact.exitCode(), exact.err());
    assertEquals(0, fast.exitCode(), fast.err());
    float[] a = floats(JSON.readTree(exact.out()).findValue("embedding"));
    float[] b = floats(JSON.readTree(fast.out()).findValue("embedding"));
    // The fixture README's bf16 bound on (normalised) embeddings; differing proves bf16 ran.
    float diff = maxAbs(a, b);
    assertTrue(diff > 0 && diff < 0.1f, "bf16 vs fp32 max abs " + diff);
  }

  @Test
  void unknown_precision_is_a_usage_error() {
    Cli.Result r =
        Cli.run(
            env(),
            "embed",
            "--model",
            Cli.fixture("tiny-clip-hf").toString(),
            "--precision",
            "int4",
            "--text",
            "a dog");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("use fp32, bf16, int8 or auto"), r.err());
  }

  @Test
  void unknown_engine_is_a_usage_error_and_int8_needs_onnx() {
    String model = Cli.fixture("tiny-clip-hf").toString();
    Cli.Result r = Cli.run(env(), "embed", "--model", model, "--engine", "tpu", "--text", "a dog");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("use auto, onednn, onnx or torch"), r.err());
    Cli.Result torchInt8 =
        Cli.run(
            env(),
            "embed",
            "--model",
            model,
            "--engine",
            "torch",
            "--precision",
            "int8",
            "--text",
            "a dog");
    assertEquals(2, torchInt8.exitCode());
    assertTrue(torchInt8.err().contains("int8 runs on the onnx engine only"), torchInt8.err());
    assertEquals(1, torchInt8.err().lines().count(), torchInt8.err());
  }

  @Test
  void no_inputs_is_a_usage_error() {
    Cli.Result r = Cli.run(env(), "embed", "--model", Cli.fixture("tiny-clip-hf").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("nothing to embed"), r.err());
  }

  @Test
  void unreadable_image_is_a_usage_error_naming_the_file() throws Exception {
    Path bad = tmp.resolve("holiday.jpg");
    Files.writeString(bad, "this is not a JPEG");
    Cli.Result r =
        Cli.run(
            env(),
            "embed",
            "--model",
            Cli.fixture("tiny-clip-hf").toString(),
            "--image",
            bad.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("holiday.jpg"), r.err());
    assertTrue(r.err().lines().count() == 1, "one line, no stack trace: " + r.err());
  }

  @Test
  void truncated_weights_fail_with_exit_code_1_and_one_line() throws Exception {
    Path dir = tmp.resolve("model");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(Cli.fixture("tiny-clip-openai"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    try (RandomAccessFile f =
        new RandomAccessFile(dir.resolve("open_clip_model.safetensors").toFile(), "rw")) {
      f.setLength(1_000_000);
    }
    Cli.Result r = Cli.run(env(), "embed", "--model", dir.toString(), "--text", "a dog");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("truncated"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void unsupported_architecture_fails_with_a_message() throws Exception {
    // NaFlex SigLIP 2 (variable resolution) is a model family Glimpse does not run.
    Path dir = tmp.resolve("siglip2-naflex");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"siglip2\"}");
    Cli.Result r = Cli.run(env(), "embed", "--model", dir.toString(), "--text", "a dog");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("NaFlex"), r.err());
  }

  @Test
  void unknown_option_is_a_usage_error() {
    Cli.Result r = Cli.run(env(), "embed", "--bogus");
    assertEquals(2, r.exitCode());
  }

  @Test
  void help_lists_the_subcommands() {
    Cli.Result r = Cli.run(env(), "--help");
    assertEquals(0, r.exitCode());
    for (String sub : List.of("embed", "classify", "bench")) {
      assertTrue(r.out().contains(sub), r.out());
    }
  }
}
