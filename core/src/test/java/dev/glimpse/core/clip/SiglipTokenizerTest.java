package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SigLIP v1 ids against the tiny-siglip fixtures' goldens (open_clip 2.32 + sentencepiece). */
class SiglipTokenizerTest {
  private static final String OPENCLIP = "tiny-siglip-openclip";
  private static final String HF = "tiny-siglip-hf";
  private static Golden golden;
  private static SiglipTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    golden = Golden.load(OPENCLIP);
    tokenizer =
        SiglipTokenizer.fromSentencePiece(
            golden.dir.resolve("spiece.model"), SiglipTokenizer.Rules.SIGLIP, 64);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static JsonNode text(int i) {
    return golden.root.get("texts").get(i);
  }

  @Test
  void cleaning_matches_open_clip_canonicalize_for_every_golden_text() {
    for (int i = 0; i < golden.textCount(); i++) {
      assertEquals(
          text(i).get("cleaned").asText(),
          CanonicalText.clean(text(i).get("text").asText()),
          "text #" + i);
    }
  }

  @Test
  void pieces_match_sentencepiece_for_every_golden_text() {
    for (int i = 0; i < golden.textCount(); i++) {
      long[] ids = tokenizer.pieceIds(text(i).get("cleaned").asText());
      assertEquals(text(i).get("n_pieces").asInt(), ids.length, "piece count of text #" + i);
    }
  }

  @Test
  void rows_match_the_golden_token_ids_one_by_one_and_batched() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < golden.textCount(); i++) {
      String t = text(i).get("text").asText();
      texts.add(t);
      assertArrayEquals(Golden.longs(text(i).get("token_ids")), tokenizer.encode(t), "text #" + i);
    }
    long[][] batch = tokenizer.encode(texts);
    for (int i = 0; i < batch.length; i++) {
      assertArrayEquals(Golden.longs(text(i).get("token_ids")), batch[i], "batched text #" + i);
    }
  }

  @Test
  void long_text_keeps_63_pieces_then_eos() {
    JsonNode t = text(13);
    assertTrue(t.get("truncated").asBoolean());
    long[] row = tokenizer.encode(t.get("text").asText());
    assertEquals(64, row.length);
    assertEquals(1, row[63]);
    assertTrue(t.get("n_pieces").asInt() > 63);
  }

  @Test
  void empty_text_is_eos_then_pads_and_both_are_one() {
    long[] expected = new long[64];
    java.util.Arrays.fill(expected, 1);
    assertArrayEquals(expected, tokenizer.encode(""));
    assertArrayEquals(Golden.longs(text(11).get("token_ids")), tokenizer.encode(""));
  }

  @Test
  void hf_layout_copy_of_the_model_gives_the_same_rows() throws Exception {
    try (SiglipTokenizer hf =
        SiglipTokenizer.fromSentencePiece(
            Golden.fixture(HF).resolve("spiece.model"), SiglipTokenizer.Rules.SIGLIP, 64)) {
      for (int i = 0; i < golden.textCount(); i++) {
        String t = text(i).get("text").asText();
        assertArrayEquals(Golden.longs(text(i).get("token_ids")), hf.encode(t), "text #" + i);
      }
    }
  }
}
