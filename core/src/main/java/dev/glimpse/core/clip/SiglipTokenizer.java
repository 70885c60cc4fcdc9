package dev.glimpse.core.clip;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * SigLIP's and SigLIP2's tokenizer: the id rows of open_clip's {@code HFTokenizer.__call__}
 * (open_clip {@code tokenizer.py}, v2.32.0 lines 430-455, HEAD {@code 89fb801} lines 508-556) with
 * {@code clean="canonicalize"}, which is what open_clip's SigLIP and SigLIP2 model configs set:
 *
 * <ol>
 *   <li>clean: {@link CanonicalText#clean} (lower case, ASCII punctuation removed, whitespace
 *       collapsed);
 *   <li>encode with the checkpoint's SentencePiece vocabulary, no special tokens: T5's {@code
 *       c4-en} unigram model for SigLIP, Gemma's 256k BPE with byte fallback for SigLIP2;
 *   <li>{@code max_length=context, padding="max_length", truncation=True} with the post-processor
 *       {@code $A </s>}: keep the first {@code context - 1} pieces, append EOS, right-pad. No BOS.
 * </ol>
 *
 * <p>The ids of EOS and padding are the family's {@link Rules}: open_clip's {@code
 * SigLipTokenizer}, which made the hub tokenizers, sets {@code pad_token_id = 0 if 'gemma' else 1}
 * and {@code eos_token_id = 1} (HEAD lines 667-668), with {@code GemmaTokenizerFast(add_bos_token=
 * False, add_eos_token=True, padding_side='right')} for Gemma (lines 647-650). As the text tower
 * pools the last position without a mask, the pad id changes every embedding.
 *
 * <p>The vocabulary comes from a {@code tokenizer.json} (what open_clip loads for hub checkpoints,
 * through {@code AutoTokenizer}) or, for checkpoints that ship only SentencePiece's {@code
 * spiece.model} / {@code tokenizer.model}, from that file converted by {@link
 * SentencePieceConversion}. A {@code tokenizer.json}'s own truncation, padding and post-processor
 * settings are ignored: the rules above apply.
 */
public final class SiglipTokenizer implements TextTokenizer {
  /**
   * The special ids a family appends and pads with.
   *
   * @param eosId appended after the (truncated) pieces
   * @param padId fills the row to the context length
   */
  public record Rules(long eosId, long padId) {
    /** SigLIP (T5 {@code c4-en} vocabulary): EOS {@code </s>} = 1, padded with {@code </s>}. */
    public static final Rules SIGLIP = new Rules(1, 1);

    /** SigLIP2 (Gemma vocabulary): EOS {@code <eos>} = 1, padded with {@code <pad>} = 0. */
    public static final Rules SIGLIP2 = new Rules(1, 0);
  }

  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;
  private final Rules rules;
  private final int contextLength;

  private SiglipTokenizer(HuggingFaceTokenizer tokenizer, Rules rules, int contextLength) {
    this.tokenizer = tokenizer;
    this.rules = rules;
    this.contextLength = contextLength;
  }

  /** Loads the vocabulary of a {@code tokenizer.json}. */
  public static SiglipTokenizer fromTokenizerJson(Path file, Rules rules, int contextLength)
      throws CheckpointException {
    checkContext(contextLength);
    try (InputStream in = Files.newInputStream(file)) {
      return new SiglipTokenizer(
          HuggingFaceTokenizer.newInstance(in, OPTIONS), rules, contextLength);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** Loads a SentencePiece {@code .model} file ({@code spiece.model}, {@code tokenizer.model}). */
  public static SiglipTokenizer fromSentencePiece(Path file, Rules rules, int contextLength)
      throws CheckpointException {
    checkContext(contextLength);
    String json;
    try {
      json = SentencePieceConversion.toTokenizerJson(SentencePieceModel.read(file));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "cannot read SentencePiece model " + file + ": " + e.getMessage(), e);
    }
    try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
      return new SiglipTokenizer(
          HuggingFaceTokenizer.newInstance(in, OPTIONS), rules, contextLength);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "cannot load SentencePiece model " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkContext(int contextLength) {
    if (contextLength < 1) {
      throw new IllegalArgumentException(
          "context length must be at least 1 (room for EOS), got " + contextLength);
    }
  }

  /** The pieces' ids of already cleaned text, without EOS, truncation or padding. */
  long[] pieceIds(String cleaned) {
    return tokenizer.encode(cleaned, false, false).getIds();
  }

  @Override
  public long[] encode(String text) {
    return row(pieceIds(CanonicalText.clean(text)));
  }

  @Override
  public long[][] encode(List<String> texts) {
    String[] cleaned = new String[texts.size()];
    for (int i = 0; i < cleaned.length; i++) {
      cleaned[i] = CanonicalText.clean(texts.get(i));
    }
    Encoding[] encs = tokenizer.batchEncode(cleaned, false, false);
    long[][] out = new long[encs.length][];
    for (int i = 0; i < encs.length; i++) {
      out[i] = row(encs[i].getIds());
    }
    return out;
  }

  /** First {@code context - 1} pieces, EOS, then padding to {@code context}. */
  private long[] row(long[] pieces) {
    long[] out = new long[contextLength];
    int kept = Math.min(pieces.length, contextLength - 1);
    System.arraycopy(pieces, 0, out, 0, kept);
    out[kept] = rules.eosId();
    Arrays.fill(out, kept + 1, contextLength, rules.padId());
    return out;
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  /** The EOS and pad ids this tokenizer uses. */
  public Rules rules() {
    return rules;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
