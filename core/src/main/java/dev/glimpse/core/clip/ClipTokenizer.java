package dev.glimpse.core.clip;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CLIP's byte-level BPE tokenizer through DJL's Hugging Face tokenizers, configured to give the
 * same rows as OpenAI's {@code clip.tokenize(texts, context_length, truncate=True)}: start token,
 * at most {@code contextLength - 2} content tokens, end token, padded with id 0.
 *
 * <p>Options are explicit because DJL's defaults (maxLength 512, padding to the longest) differ
 * from CLIP's. Known differences from OpenAI's tokenizer, inherited from Hugging Face's: no HTML
 * unescaping, per-character lower-casing of a final sigma, and no ftfy repair beyond NFC.
 */
public final class ClipTokenizer implements TextTokenizer {
  /** The tokenizer OpenAI CLIP models share, bundled for checkpoints that do not ship one. */
  public static final String BUNDLED = "/dev/glimpse/core/clip/tokenizer/tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final int contextLength;

  private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength) {
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
  }

  private static Map<String, String> options(int contextLength) {
    return Map.of(
        "maxLength", Integer.toString(contextLength),
        "truncation", "true",
        "padding", "max_length",
        "addSpecialTokens", "true");
  }

  /** Loads a {@code tokenizer.json}. */
  public static ClipTokenizer fromFile(Path tokenizerJson, int contextLength)
      throws CheckpointException {
    try {
      return new ClipTokenizer(
          HuggingFaceTokenizer.newInstance(tokenizerJson, options(contextLength)), contextLength);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("cannot load tokenizer " + tokenizerJson + ": " + e, e);
    }
  }

  /** Loads CLIP's bundled tokenizer (the one of {@code openai/clip-vit-base-patch32}). */
  public static ClipTokenizer bundled(int contextLength) throws CheckpointException {
    try (InputStream in = ClipTokenizer.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new CheckpointException("bundled CLIP tokenizer " + BUNDLED + " is missing");
      }
      return new ClipTokenizer(
          HuggingFaceTokenizer.newInstance(in, options(contextLength)), contextLength);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException("cannot load the bundled CLIP tokenizer: " + e, e);
    }
  }

  @Override
  public long[] encode(String text) {
    Encoding enc = tokenizer.encode(text);
    return fit(enc.getIds());
  }

  @Override
  public long[][] encode(List<String> texts) {
    Encoding[] encs = tokenizer.batchEncode(texts);
    long[][] out = new long[encs.length][];
    for (int i = 0; i < encs.length; i++) {
      out[i] = fit(encs[i].getIds());
    }
    return out;
  }

  private long[] fit(long[] ids) {
    if (ids.length == contextLength) {
      return ids;
    }
    long[] out = new long[contextLength];
    System.arraycopy(ids, 0, out, 0, Math.min(ids.length, contextLength));
    return out;
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
