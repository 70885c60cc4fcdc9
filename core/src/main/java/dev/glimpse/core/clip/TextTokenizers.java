package dev.glimpse.core.clip;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens the tokenizer that belongs to a checkpoint folder, by model family and the files present.
 */
public final class TextTokenizers {
  /**
   * SentencePiece file names: T5/SigLIP hub folders ship {@code spiece.model}, Gemma's {@code
   * tokenizer.model}.
   */
  static final List<String> SENTENCEPIECE_FILES = List.of("spiece.model", "tokenizer.model");

  private TextTokenizers() {}

  /**
   * The tokenizer of a loaded checkpoint: for CLIP the {@code tokenizer.json} its layout names (an
   * open_clip CLIP folder names none and gets the bundled one), otherwise as {@link #open(Path,
   * ModelFamily, int)}.
   */
  public static TextTokenizer open(ClipCheckpoint checkpoint) throws CheckpointException {
    int context = checkpoint.config().text().contextLength();
    ModelFamily family = checkpoint.config().family();
    if (family == ModelFamily.CLIP) {
      return checkpoint.tokenizer().isPresent()
          ? ClipTokenizer.fromFile(checkpoint.tokenizer().get(), context)
          : ClipTokenizer.bundled(context);
    }
    return open(checkpoint.dir(), family, context);
  }

  /**
   * The tokenizer of the checkpoint in {@code dir}.
   *
   * <ul>
   *   <li>CLIP: the folder's {@code tokenizer.json}, else CLIP's bundled one (OpenAI's vocabulary).
   *   <li>SigLIP, SigLIP2: {@code tokenizer.json} when present (what open_clip loads for hub
   *       checkpoints), else {@code spiece.model} or {@code tokenizer.model}, with the family's
   *       {@link SiglipTokenizer.Rules}.
   * </ul>
   *
   * @throws CheckpointException when a SigLIP folder has none of these files, or a file cannot be
   *     read as a tokenizer
   */
  public static TextTokenizer open(Path dir, ModelFamily family, int contextLength)
      throws CheckpointException {
    Path json = dir.resolve("tokenizer.json");
    boolean hasJson = Files.isRegularFile(json);
    if (family == ModelFamily.CLIP) {
      return hasJson
          ? ClipTokenizer.fromFile(json, contextLength)
          : ClipTokenizer.bundled(contextLength);
    }
    SiglipTokenizer.Rules rules =
        family == ModelFamily.SIGLIP2
            ? SiglipTokenizer.Rules.SIGLIP2
            : SiglipTokenizer.Rules.SIGLIP;
    if (hasJson) {
      return SiglipTokenizer.fromTokenizerJson(json, rules, contextLength);
    }
    for (String name : SENTENCEPIECE_FILES) {
      Path spm = dir.resolve(name);
      if (Files.isRegularFile(spm)) {
        return SiglipTokenizer.fromSentencePiece(spm, rules, contextLength);
      }
    }
    throw new CheckpointException(
        "no tokenizer in "
            + dir
            + ": a "
            + family.label()
            + " checkpoint needs tokenizer.json, spiece.model or tokenizer.model");
  }
}
