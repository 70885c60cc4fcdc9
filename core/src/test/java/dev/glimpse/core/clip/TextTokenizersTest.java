package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which tokenizer a checkpoint gets, and SigLIP's text path end to end from raw text. */
class TextTokenizersTest {
  private static final FixtureModels MODELS = new FixtureModels();

  @AfterAll
  static void close() {
    MODELS.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void siglip_model_tokenizes_and_embeds_raw_text_like_open_clip(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    ClipModel model = MODELS.get(fixture, Precision.FP32, Backend.TORCH);
    assertInstanceOf(SiglipTokenizer.class, model.tokenizer());
    assertEquals(SiglipTokenizer.Rules.SIGLIP, ((SiglipTokenizer) model.tokenizer()).rules());
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < g.textCount(); i++) {
      texts.add(g.text(i).get("text").asText());
    }
    assertArrayEquals(g.tokenIds(), model.tokenizer().encode(texts));
    float[][] embeds = model.encodeTexts(texts);
    for (int i = 0; i < embeds.length; i++) {
      float[] expected = g.textEmbedsNormalized(i);
      for (int d = 0; d < expected.length; d++) {
        // README bound for normalised embeddings.
        assertEquals(expected[d], embeds[i][d], 5e-6f, fixture + " text " + i + " dim " + d);
      }
    }
  }

  @Test
  void clip_folder_gets_the_clip_tokenizer() throws Exception {
    try (TextTokenizer t = TextTokenizers.open(Golden.fixture(Golden.HF), ModelFamily.CLIP, 77)) {
      assertInstanceOf(ClipTokenizer.class, t);
      assertEquals(77, t.contextLength());
    }
  }

  @Test
  void siglip2_folder_with_only_tokenizer_model_gets_gemma_rules(@TempDir Path dir)
      throws Exception {
    Path fixture = Golden.fixture("tiny-gemma-tokenizer");
    Files.copy(fixture.resolve("tokenizer.model"), dir.resolve("tokenizer.model"));
    JsonNode golden = new ObjectMapper().readTree(fixture.resolve("golden.json").toFile());
    try (TextTokenizer t = TextTokenizers.open(dir, ModelFamily.SIGLIP2, 64)) {
      assertEquals(SiglipTokenizer.Rules.SIGLIP2, ((SiglipTokenizer) t).rules());
      for (JsonNode text : golden.get("texts")) {
        assertArrayEquals(Golden.longs(text.get("token_ids")), t.encode(text.get("text").asText()));
      }
    }
  }

  @Test
  void tokenizer_json_is_preferred_over_spiece_model(@TempDir Path dir) throws Exception {
    // spiece.model: SigLIP's; tokenizer.json: the Gemma-style vocabulary. The rows must be Gemma's.
    Path gemma = Golden.fixture("tiny-gemma-tokenizer");
    Files.copy(
        Golden.fixture(SiglipGoldens.OPEN_CLIP).resolve("spiece.model"),
        dir.resolve("spiece.model"));
    Files.writeString(
        dir.resolve("tokenizer.json"),
        SentencePieceConversion.toTokenizerJson(
            SentencePieceModel.read(gemma.resolve("tokenizer.model"))));
    JsonNode golden = new ObjectMapper().readTree(gemma.resolve("golden.json").toFile());
    JsonNode first = golden.get("texts").get(0);
    try (TextTokenizer t = TextTokenizers.open(dir, ModelFamily.SIGLIP2, 64)) {
      assertArrayEquals(Golden.longs(first.get("token_ids")), t.encode(first.get("text").asText()));
    }
  }

  @Test
  void siglip_folder_without_tokenizer_files_is_a_clear_error(@TempDir Path dir) {
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> TextTokenizers.open(dir, ModelFamily.SIGLIP, 64));
    assertTrue(e.getMessage().contains("needs tokenizer.json, spiece.model or tokenizer.model"));
    assertTrue(e.getMessage().contains(dir.toString()));
  }

  @Test
  void unreadable_spiece_model_is_a_clear_error(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("spiece.model"), new byte[] {0x0a, 0x7f, 1, 2});
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> TextTokenizers.open(dir, ModelFamily.SIGLIP, 64));
    assertTrue(e.getMessage().startsWith("cannot read SentencePiece model"), e.getMessage());
    assertTrue(e.getMessage().contains("spiece.model"));
  }

  @Test
  void broken_tokenizer_json_is_a_clear_error(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 7}");
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> TextTokenizers.open(dir, ModelFamily.SIGLIP2, 64));
    assertTrue(e.getMessage().startsWith("cannot load tokenizer"), e.getMessage());
  }
}
