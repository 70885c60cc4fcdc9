package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
  @TempDir Path tmp;

  @Test
  void models_lists_every_short_name_with_its_hub_id_and_marks_the_default() {
    Cli.Result r = Cli.run(Map.of(), "models");
    assertEquals(0, r.exitCode(), r.err());
    String line =
        r.out().lines().filter(l -> l.startsWith("siglip2-b16 ")).findFirst().orElseThrow();
    assertTrue(line.contains("timm/ViT-B-16-SigLIP2@main"), line);
    assertTrue(line.contains("siglip2"), line);
    assertTrue(line.contains("224/16"), line);
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("clip-b32 *")), r.out());
    for (String name :
        new String[] {"clip-b16", "siglip-b16", "siglip2-b32-256", "datacomp-b32-256"}) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), name);
    }
  }

  @Test
  void models_json_has_hub_ids_revisions_and_quality() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "models", "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertEquals(ModelOptions.DEFAULT_MODEL, root.path("default").asText());
    JsonNode b32 = null;
    for (JsonNode m : root.path("models")) {
      if (m.path("name").asText().equals("siglip2-b32-256")) {
        b32 = m;
      }
    }
    assertEquals("timm/ViT-B-32-SigLIP2-256", b32.path("hubId").asText());
    assertEquals("main", b32.path("revision").asText());
    assertEquals(256, b32.path("imageSize").asInt());
    assertEquals(73.2, b32.path("quality").path("xm3600Recall").asDouble(), 1e-9);
    assertTrue(b32.path("quality").path("imagenetTop1").isNull());
  }

  @Test
  void a_short_name_given_to_model_resolves_to_its_hub_id() {
    // Offline with an empty cache: the message names the hub id the short name stands for.
    Map<String, String> env = Map.of("HF_HOME", tmp.toString(), "HF_HUB_OFFLINE", "1");
    Cli.Result r = Cli.run(env, "embed", "--model", "siglip2-b16", "--text", "x");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("timm/ViT-B-16-SigLIP2"), r.err());
  }
}
