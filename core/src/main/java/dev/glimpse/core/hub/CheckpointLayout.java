package dev.glimpse.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** The files a CLIP or SigLIP checkpoint consists of, in the two layouts found on the hub. */
final class CheckpointLayout {

  /** Hugging Face transformers layout. */
  static final String HF_CONFIG = "config.json";

  static final String HF_WEIGHTS = "model.safetensors";
  static final String HF_WEIGHTS_INDEX = "model.safetensors.index.json";
  static final String HF_TOKENIZER = "tokenizer.json";
  static final List<String> HF_OPTIONAL =
      List.of("preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json");

  /**
   * The tokenizer files a checkpoint may carry: HF tokenizers' {@code tokenizer.json} (CLIP, most
   * SigLIP 2 repos), a SentencePiece model ({@code spiece.model}: SigLIP's T5 tokenizer; {@code
   * tokenizer.model}: Gemma's, SigLIP 2). At least one must be there.
   */
  static final List<String> TOKENIZER_FILES =
      List.of(HF_TOKENIZER, "spiece.model", "tokenizer.model");

  /** Tokenizer side files an open_clip SigLIP repository carries next to its tokenizer. */
  static final List<String> OPEN_CLIP_TOKENIZER_OPTIONAL =
      List.of("tokenizer_config.json", "special_tokens_map.json");

  /** open_clip layout. */
  static final String OPEN_CLIP_CONFIG = "open_clip_config.json";

  static final String OPEN_CLIP_WEIGHTS = "open_clip_model.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointLayout() {}

  /** The distinct shard file names of a {@code model.safetensors.index.json}, sorted. */
  static SortedSet<String> shards(Path index) throws IOException {
    JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
    if (!weightMap.isObject() || weightMap.isEmpty()) {
      throw new IOException(index.getFileName() + " has no weight_map");
    }
    SortedSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
      JsonNode shard = it.next();
      if (!shard.isTextual()) {
        throw new IOException(index.getFileName() + " has a weight_map entry that is no file name");
      }
      shards.add(shard.asText());
    }
    return shards;
  }

  /** The required files missing from a snapshot folder; empty when the checkpoint is complete. */
  static List<String> missing(Path snapshot) {
    List<String> missing = new ArrayList<>();
    if (Files.exists(snapshot.resolve(HF_CONFIG))) {
      if (TOKENIZER_FILES.stream().noneMatch(f -> Files.exists(snapshot.resolve(f)))) {
        missing.add(HF_TOKENIZER);
      }
      if (!Files.exists(snapshot.resolve(HF_WEIGHTS))) {
        Path index = snapshot.resolve(HF_WEIGHTS_INDEX);
        if (!Files.exists(index)) {
          missing.add(HF_WEIGHTS);
        } else {
          try {
            for (String shard : shards(index)) {
              if (!Files.exists(snapshot.resolve(shard).normalize())
                  || !snapshot.resolve(shard).normalize().startsWith(snapshot)) {
                missing.add(shard);
              }
            }
          } catch (IOException e) {
            missing.add(HF_WEIGHTS_INDEX);
          }
        }
      }
    } else if (Files.exists(snapshot.resolve(OPEN_CLIP_CONFIG))) {
      if (!Files.exists(snapshot.resolve(OPEN_CLIP_WEIGHTS))) {
        missing.add(OPEN_CLIP_WEIGHTS);
      }
    } else {
      missing.add(HF_CONFIG + " or " + OPEN_CLIP_CONFIG);
    }
    return missing;
  }
}
