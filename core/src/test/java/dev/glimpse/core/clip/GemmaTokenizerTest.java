package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SigLIP2's rules on a tiny Gemma-style tokenizer (BPE, byte fallback, no dummy prefix, identity
 * normalization), against ids from python sentencepiece and open_clip's cleaning (fixture
 * tiny-gemma-tokenizer, see its README): Chinese, Japanese, Cyrillic, Arabic, accented Latin, emoji
 * through byte fallback, truncation, the empty text, padding with 0.
 */
class GemmaTokenizerTest {
  private static final String FIXTURE = "tiny-gemma-tokenizer";
  private static JsonNode golden;
  private static Path model;
  private static SiglipTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    Path dir = Golden.fixture(FIXTURE);
    golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
    model = dir.resolve("tokenizer.model");
    tokenizer = SiglipTokenizer.fromSentencePiece(model, SiglipTokenizer.Rules.SIGLIP2, 64);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static List<JsonNode> texts() {
    List<JsonNode> out = new ArrayList<>();
    golden.get("texts").forEach(out::add);
    return out;
  }

  private static JsonNode find(String text) {
    return texts().stream()
        .filter(t -> t.get("text").asText().equals(text))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void cleaning_matches_open_clip_for_every_script() {
    for (JsonNode t : texts()) {
      assertEquals(t.get("cleaned").asText(), CanonicalText.clean(t.get("text").asText()));
    }
  }

  @Test
  void rows_match_sentencepiece_with_eos_1_and_pad_0() {
    List<String> all = new ArrayList<>();
    for (JsonNode t : texts()) {
      String text = t.get("text").asText();
      all.add(text);
      assertArrayEquals(Golden.longs(t.get("token_ids")), tokenizer.encode(text), text);
    }
    long[][] batch = tokenizer.encode(all);
    for (int i = 0; i < batch.length; i++) {
      assertArrayEquals(Golden.longs(texts().get(i).get("token_ids")), batch[i], all.get(i));
    }
  }

  @Test
  void chinese_arabic_cyrillic_and_accented_latin_tokenize_as_the_reference() {
    for (String text :
        List.of(
            "一只狗在草地上奔跑",
            "Кошка спит на ДИВАНЕ",
            "القطة تنام على الأريكة",
            "Café au lait sur la TABLE",
            "Zażółć gęślą jaźń")) {
      JsonNode t = find(text);
      long[] row = tokenizer.encode(text);
      assertArrayEquals(Golden.longs(t.get("token_ids")), row, text);
      int n = t.get("n_pieces").asInt();
      assertEquals(1, row[n], "EOS right after the pieces of " + text);
      assertEquals(0, row[63], "padded with <pad> = 0: " + text);
    }
  }

  @Test
  void characters_outside_the_vocabulary_fall_back_to_bytes() {
    JsonNode t = find("東京タワー");
    // 東, タ, ワ, ー are not pieces: each becomes its three UTF-8 byte pieces, never <unk> (3).
    for (long id : Golden.longs(t.get("token_ids"))) {
      assertTrue(id != 3);
    }
    assertArrayEquals(Golden.longs(t.get("token_ids")), tokenizer.encode("東京タワー"));
  }

  @Test
  void long_text_is_cut_to_63_pieces_and_keeps_its_eos() {
    JsonNode t =
        texts().stream().filter(x -> x.get("truncated").asBoolean()).findFirst().orElseThrow();
    long[] row = tokenizer.encode(t.get("text").asText());
    assertArrayEquals(Golden.longs(t.get("token_ids")), row);
    assertEquals(1, row[63]);
  }

  @Test
  void empty_text_is_eos_then_63_pads() {
    long[] row = tokenizer.encode("");
    assertEquals(1, row[0]);
    for (int i = 1; i < 64; i++) {
      assertEquals(0, row[i]);
    }
    assertArrayEquals(Golden.longs(find("").get("token_ids")), row);
  }

  @Test
  void tokenizer_json_settings_for_padding_and_special_tokens_are_ignored(@TempDir Path tmp)
      throws Exception {
    // Hub SigLIP2 tokenizer.json files carry their own padding (Fixed 64, pad 0) and a
    // post-processor; the rows must not depend on them. Here: a tokenizer.json made from the same
    // model, with a BOS post-processor and padding to 16 that must both be ignored.
    ObjectNode json =
        (ObjectNode)
            new ObjectMapper()
                .readTree(SentencePieceConversion.toTokenizerJson(SentencePieceModel.read(model)));
    json.set(
        "padding",
        new ObjectMapper()
            .readTree(
                "{\"strategy\":{\"Fixed\":16},\"direction\":\"Right\",\"pad_to_multiple_of\":null,"
                    + "\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"<pad>\"}"));
    json.set(
        "post_processor",
        new ObjectMapper()
            .readTree(
                "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<bos>\","
                    + "\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[],"
                    + "\"special_tokens\":{\"<bos>\":{\"id\":\"<bos>\",\"ids\":[2],"
                    + "\"tokens\":[\"<bos>\"]}}}"));
    Path file = tmp.resolve("tokenizer.json");
    Files.writeString(file, json.toString());
    try (SiglipTokenizer fromJson =
        SiglipTokenizer.fromTokenizerJson(file, SiglipTokenizer.Rules.SIGLIP2, 64)) {
      for (JsonNode t : texts()) {
        String text = t.get("text").asText();
        assertArrayEquals(Golden.longs(t.get("token_ids")), fromJson.encode(text), text);
      }
    }
  }
}
