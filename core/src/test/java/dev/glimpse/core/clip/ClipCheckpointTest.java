package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipCheckpointTest {
  @TempDir Path tmp;

  private Path copyFixture(String name) throws IOException {
    Path src = Golden.fixture(name);
    Path dst = tmp.resolve(name);
    Files.createDirectories(dst);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, dst.resolve(f.getFileName()));
        }
      }
    }
    return dst;
  }

  private static CheckpointException loadFails(Path dir) {
    return assertThrows(
        CheckpointException.class, () -> ClipModel.load(ClipCheckpoint.open(dir)).close());
  }

  private static void editJson(Path file, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(file.toFile());
    edit.accept(root);
    json.writeValue(file.toFile(), root);
  }

  @Test
  void missing_directory_is_a_clear_error() {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void directory_without_config_says_what_it_looked_for() {
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(tmp));
    assertTrue(e.getMessage().contains("open_clip_config.json"), e.getMessage());
  }

  @Test
  void truncated_weights_file_is_rejected_naming_the_file() throws Exception {
    Path dir = copyFixture(Golden.HF);
    Path weights = dir.resolve("model.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    CheckpointException e = loadFails(dir);
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
  }

  @Test
  void garbage_weights_file_is_not_a_safetensors_file() throws Exception {
    Path dir = copyFixture(Golden.OPENAI);
    Files.writeString(dir.resolve("open_clip_model.safetensors"), "<html>404 not found</html>");
    CheckpointException e = loadFails(dir);
    assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
  }

  @Test
  void missing_weights_file_says_to_download_it() throws Exception {
    Path dir = copyFixture(Golden.HF);
    Files.delete(dir.resolve("model.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(dir));
    assertTrue(e.getMessage().contains("no model.safetensors"), e.getMessage());
  }

  @Test
  void shapes_that_disagree_with_the_config_name_the_tensor() throws Exception {
    Path dir = copyFixture(Golden.HF);
    editJson(dir.resolve("config.json"), c -> c.put("projection_dim", 48));
    CheckpointException e = loadFails(dir);
    assertTrue(e.getMessage().contains("has shape"), e.getMessage());
    assertTrue(e.getMessage().contains("[48, "), e.getMessage());
  }

  @Test
  void a_layer_count_beyond_the_weights_names_the_missing_tensor() throws Exception {
    Path dir = copyFixture(Golden.OPENAI);
    editJson(
        dir.resolve("open_clip_config.json"),
        c -> ((ObjectNode) c.get("model_cfg").get("text_cfg")).put("layers", 3));
    CheckpointException e = loadFails(dir);
    assertTrue(e.getMessage().contains("transformer.resblocks.2."), e.getMessage());
  }

  @Test
  void naflex_siglip2_is_unsupported_with_the_reason() throws Exception {
    Path dir = copyFixture(SiglipGoldens.HF);
    editJson(dir.resolve("config.json"), c -> c.put("model_type", "siglip2"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(dir));
    assertInstanceOf(UnsupportedModelException.class, e);
    assertTrue(e.getMessage().contains("NaFlex"), e.getMessage());
  }

  @Test
  void an_average_pooled_timm_siglip_trunk_is_unsupported() throws Exception {
    Path dir = copyFixture(SiglipGoldens.OPEN_CLIP);
    editJson(
        dir.resolve("open_clip_config.json"),
        c ->
            ((ObjectNode) c.get("model_cfg").get("vision_cfg"))
                .put("timm_model_name", "vit_base_patch16_siglip_gap_224"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(dir));
    assertInstanceOf(UnsupportedModelException.class, e);
    assertTrue(e.getMessage().contains("average"), e.getMessage());
  }

  @Test
  void a_timm_name_gives_the_geometry_and_kwargs_override_it() throws Exception {
    Path dir = copyFixture(SiglipGoldens.OPEN_CLIP);
    editJson(
        dir.resolve("open_clip_config.json"),
        c -> {
          ObjectNode v = (ObjectNode) c.get("model_cfg").get("vision_cfg");
          v.put("timm_model_name", "vit_base_patch32_siglip_256");
          ((ObjectNode) v.get("timm_model_kwargs")).remove("patch_size");
        });
    ClipConfig c = ClipCheckpoint.open(dir).config();
    // From timm's table: patch 32 and the tanh GELU of vit_base_patch32_siglip_256; width, depth
    // and heads from the kwargs.
    assertEquals(32, c.vision().patchSize());
    assertEquals(Activation.GELU_TANH, c.vision().transformer().activation());
    assertEquals(128, c.vision().transformer().width());
    assertEquals(2, c.vision().transformer().layers());
    assertEquals(Activation.GELU, c.text().transformer().activation());
  }

  @Test
  void resnet_clip_is_unsupported() throws Exception {
    Path dir = copyFixture(Golden.OPENAI);
    editJson(
        dir.resolve("open_clip_config.json"),
        c -> {
          ObjectNode v = (ObjectNode) c.get("model_cfg").get("vision_cfg");
          v.putArray("layers").add(3).add(4).add(6).add(3);
        });
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(dir));
    assertInstanceOf(UnsupportedModelException.class, e);
    assertTrue(e.getMessage().contains("ResNet"), e.getMessage());
  }

  @Test
  void pickle_only_checkpoint_is_unsupported_and_says_how_to_convert() throws Exception {
    Path dir = copyFixture(Golden.HF);
    Files.move(dir.resolve("model.safetensors"), dir.resolve("pytorch_model.bin"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> ClipCheckpoint.open(dir));
    assertInstanceOf(UnsupportedModelException.class, e);
    assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
  }

  @Test
  void activation_comes_from_the_config() throws Exception {
    Path dir = copyFixture(Golden.HF);
    editJson(
        dir.resolve("config.json"),
        c -> {
          ((ObjectNode) c.get("text_config")).put("hidden_act", "gelu");
          ((ObjectNode) c.get("vision_config")).put("hidden_act", "gelu");
        });
    ClipCheckpoint ck = ClipCheckpoint.open(dir);
    assertEquals(Activation.GELU, ck.config().text().transformer().activation());
    assertEquals(Activation.GELU, ck.config().vision().transformer().activation());
    // Exact GELU instead of QuickGELU moves text embeddings by ~0.03 (fixture README).
    Golden g = Golden.load(Golden.HF);
    try (ClipModel m = ClipModel.load(ck)) {
      float diff = Golden.maxAbs(g.textEmbeds(0), m.textFeatures(g.tokenIds())[0]);
      assertTrue(diff > 1e-3, "gelu should change the output, diff " + diff);
    }
    editJson(
        dir.resolve("config.json"),
        c -> ((ObjectNode) c.get("text_config")).put("hidden_act", "relu"));
    assertThrows(UnsupportedModelException.class, () -> ClipCheckpoint.open(dir));
  }

  /** Rewrites the HF fixture's weights in another dtype. */
  private Path rewrite(DType dtype) throws Exception {
    Path dir = copyFixture(Golden.HF);
    Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (TensorInfo info : f.tensors().values()) {
        tensors.put(info.name(), new SafetensorsWriter.Tensor(info.shape(), f.readFloats(info)));
      }
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, dtype);
    return dir;
  }

  @Test
  void f16_weights_reproduce_the_reference_exactly() throws Exception {
    // The fixture's values are float16-rounded, so an F16 file holds exactly the same weights.
    Golden g = Golden.load(Golden.HF);
    try (ClipModel m = ClipModel.load(ClipCheckpoint.open(rewrite(DType.F16)))) {
      float[][] t = m.textFeatures(g.tokenIds());
      for (int i = 0; i < g.textCount(); i++) {
        assertTrue(Golden.maxAbs(g.textEmbeds(i), t[i]) <= 5e-5f);
      }
    }
  }

  @Test
  void bf16_weights_load_within_bfloat16_bounds() throws Exception {
    Golden g = Golden.load(Golden.HF);
    try (ClipModel m = ClipModel.load(ClipCheckpoint.open(rewrite(DType.BF16)))) {
      float[][] t = m.textFeatures(g.tokenIds());
      float[][] img = m.imageFeatures(g.pixels(0), 1);
      float worst = 0;
      double minCos = 1;
      for (int i = 0; i < g.textCount(); i++) {
        worst = Math.max(worst, Golden.maxAbs(g.textEmbeds(i), t[i]));
        minCos = Math.min(minCos, Golden.cosine(g.textEmbeds(i), t[i]));
      }
      worst = Math.max(worst, Golden.maxAbs(g.imageEmbeds(0), img[0]));
      minCos = Math.min(minCos, Golden.cosine(g.imageEmbeds(0), img[0]));
      System.out.printf(
          Locale.ROOT, "bf16 weights: max abs %.3g, min cosine %.6f%n", worst, minCos);
      // Fixture README, bfloat16 row: max abs 0.1, cosine 0.9995 (that is bf16 compute too).
      assertTrue(worst <= 0.1f, "max abs " + worst);
      assertTrue(minCos >= 0.9995, "cosine " + minCos);
      assertTrue(worst > 0, "bf16 rounding must change something");
    }
  }

  @Test
  void sharded_checkpoint_loads_like_the_single_file() throws Exception {
    Path dir = copyFixture(Golden.HF);
    Map<String, SafetensorsWriter.Tensor> a = new LinkedHashMap<>();
    Map<String, SafetensorsWriter.Tensor> b = new LinkedHashMap<>();
    ObjectNode index = new ObjectMapper().createObjectNode();
    ObjectNode map = index.putObject("weight_map");
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (TensorInfo info : f.tensors().values()) {
        boolean text = info.name().startsWith("text_model");
        (text ? a : b)
            .put(info.name(), new SafetensorsWriter.Tensor(info.shape(), f.readFloats(info)));
        map.put(
            info.name(),
            text ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
      }
    }
    Files.delete(dir.resolve("model.safetensors"));
    SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a, DType.F32);
    SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b, DType.F32);
    new ObjectMapper().writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    Golden g = Golden.load(Golden.HF);
    try (ClipModel m = ClipModel.load(ClipCheckpoint.open(dir))) {
      assertTrue(Golden.maxAbs(g.textEmbeds(3), m.textFeatures(g.tokenIds())[3]) <= 5e-5f);
      assertTrue(Golden.maxAbs(g.imageEmbeds(1), m.imageFeatures(g.pixels(1), 1)[0]) <= 5e-5f);
    }
  }

  @Test
  void synthetic_checkpoint_round_trips_through_the_loader() throws Exception {
    ClipConfig small =
        new ClipConfig(
            16,
            new VisionConfig(32, 16, new TransformerConfig(64, 1, 2, 128, Activation.GELU, 1e-5f)),
            new TextConfig(77, 49408, new TransformerConfig(32, 1, 2, 64, Activation.GELU, 1e-5f)));
    Path dir = tmp.resolve("synthetic");
    SyntheticCheckpoint.write(dir, small, 7, DType.F16);
    ClipCheckpoint ck = ClipCheckpoint.open(dir);
    assertEquals(small, ck.config());
    try (ClipModel m = ClipModel.load(ck)) {
      float[][] v = m.encodeTexts(java.util.List.of("a dog", "a cat"));
      assertEquals(16, v[0].length);
      assertEquals(1.0, Vectors.dot(v[0], v[0]), 1e-5);
    }
  }
}
