package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.clip.SentencePieceModel.Piece;
import dev.glimpse.core.clip.SentencePieceModel.PieceType;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a SentencePiece model as a Hugging Face {@code tokenizer.json}, so that one runtime (the
 * tokenizers library through DJL) serves checkpoints that ship either file. The layout follows
 * transformers' {@code convert_slow_tokenizer.py} ({@code SpmConverter}, {@code GemmaConverter}),
 * with the normalizer written out from the model's own {@code NormalizerSpec} so the result does
 * what {@code SentencePieceProcessor.encode} does:
 *
 * <ul>
 *   <li>normalizer: the precompiled charsmap (e.g. {@code nmt_nfkc}) if any; with {@code
 *       remove_extra_whitespaces}, strip both ends and collapse runs of spaces; with {@code
 *       add_dummy_prefix}, prepend one space; spaces become {@code ▁} (U+2581). No pre-tokenizer:
 *       SentencePiece segments the whole normalized string.
 *   <li>model: {@code Unigram} with the pieces' scores, or {@code BPE} with merges derived as
 *       transformers' {@code SentencePieceExtractor} does (every split of a piece into two pieces,
 *       ranked by the merged piece's score), {@code fuse_unk} and the model's {@code
 *       byte_fallback}.
 *   <li>control and unknown pieces are special added tokens (as transformers writes them); they can
 *       only match text containing {@code <} and {@code >}, which SigLIP's cleaning removes.
 *   <li>no post-processor: {@link SiglipTokenizer} adds EOS and padding itself.
 * </ul>
 */
final class SentencePieceConversion {
  private static final String SPACE = "\u2581";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SentencePieceConversion() {}

  /** The {@code tokenizer.json} text equivalent to {@code model}. */
  static String toTokenizerJson(SentencePieceModel model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.set("added_tokens", addedTokens(model));
    root.set("normalizer", normalizer(model));
    root.putNull("pre_tokenizer");
    root.putNull("post_processor");
    root.putNull("decoder");
    root.set(
        "model",
        switch (model.type()) {
          case UNIGRAM -> unigram(model);
          case BPE -> bpe(model);
          case WORD, CHAR ->
              throw new IllegalArgumentException(
                  "SentencePiece model type " + model.type() + " is not supported");
        });
    return root.toString();
  }

  private static ArrayNode addedTokens(SentencePieceModel model) {
    ArrayNode added = JSON.createArrayNode();
    List<Piece> pieces = model.pieces();
    for (int id = 0; id < pieces.size(); id++) {
      Piece p = pieces.get(id);
      boolean special = p.type() == PieceType.CONTROL || p.type() == PieceType.UNKNOWN;
      // User-defined symbols are whole units in SentencePiece, matched on the normalized text.
      if (special || p.type() == PieceType.USER_DEFINED) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", p.piece());
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", !special);
        t.put("special", special);
      }
    }
    return added;
  }

  private static ObjectNode normalizer(SentencePieceModel model) {
    ObjectNode seq = JSON.createObjectNode();
    seq.put("type", "Sequence");
    ArrayNode steps = seq.putArray("normalizers");
    if (model.precompiledCharsmap().length > 0) {
      ObjectNode pre = steps.addObject();
      pre.put("type", "Precompiled");
      pre.put(
          "precompiled_charsmap", Base64.getEncoder().encodeToString(model.precompiledCharsmap()));
    }
    if (model.removeExtraWhitespaces()) {
      ObjectNode strip = steps.addObject();
      strip.put("type", "Strip");
      strip.put("strip_left", true);
      strip.put("strip_right", true);
      ObjectNode collapse = steps.addObject();
      collapse.put("type", "Replace");
      collapse.putObject("pattern").put("Regex", " {2,}");
      collapse.put("content", " ");
    }
    if (model.addDummyPrefix()) {
      ObjectNode prepend = steps.addObject();
      prepend.put("type", "Prepend");
      prepend.put("prepend", " ");
    }
    ObjectNode escape = steps.addObject();
    escape.put("type", "Replace");
    escape.putObject("pattern").put("String", " ");
    escape.put("content", SPACE);
    return seq;
  }

  private static ObjectNode unigram(SentencePieceModel model) {
    ObjectNode m = JSON.createObjectNode();
    m.put("type", "Unigram");
    m.put("unk_id", model.unkId());
    ArrayNode vocab = m.putArray("vocab");
    for (Piece p : model.pieces()) {
      ArrayNode entry = vocab.addArray();
      entry.add(p.piece());
      entry.add((double) p.score());
    }
    m.put("byte_fallback", model.byteFallback());
    return m;
  }

  private static ObjectNode bpe(SentencePieceModel model) {
    List<Piece> pieces = model.pieces();
    Map<String, Integer> ids = new HashMap<>(pieces.size() * 2);
    for (int id = 0; id < pieces.size(); id++) {
      ids.putIfAbsent(pieces.get(id).piece(), id);
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("type", "BPE");
    m.putNull("dropout");
    m.put("unk_token", pieces.get(model.unkId()).piece());
    m.putNull("continuing_subword_prefix");
    m.putNull("end_of_word_suffix");
    m.put("fuse_unk", true);
    m.put("byte_fallback", model.byteFallback());
    m.put("ignore_merges", false);
    ObjectNode vocab = m.putObject("vocab");
    for (int id = 0; id < pieces.size(); id++) {
      vocab.put(pieces.get(id).piece(), id);
    }
    ArrayNode merges = m.putArray("merges");
    for (int[] merge : merges(pieces, ids)) {
      ArrayNode pair = merges.addArray();
      pair.add(pieces.get(merge[0]).piece());
      pair.add(pieces.get(merge[1]).piece());
    }
    return m;
  }

  /**
   * {@code SentencePieceExtractor.extract(vocab_scores)}: for each mergeable piece, every split
   * into two pieces (ordered by their ids), then all merges stably sorted by the merged piece's
   * score, highest first. SentencePiece's BPE merges the adjacent pair whose concatenation scores
   * highest, which is what the tokenizers runtime does with these ranks.
   */
  static List<int[]> merges(List<Piece> pieces, Map<String, Integer> ids) {
    List<int[]> out = new ArrayList<>();
    for (int id = 0; id < pieces.size(); id++) {
      Piece p = pieces.get(id);
      if (p.type() != PieceType.NORMAL && p.type() != PieceType.USER_DEFINED) {
        continue;
      }
      String s = p.piece();
      List<int[]> local = new ArrayList<>();
      for (int cut = s.offsetByCodePoints(0, 1); cut < s.length(); ) {
        Integer left = ids.get(s.substring(0, cut));
        Integer right = ids.get(s.substring(cut));
        if (left != null && right != null) {
          local.add(new int[] {left, right, id});
        }
        cut += Character.charCount(s.codePointAt(cut));
      }
      local.sort(Comparator.<int[]>comparingInt(x -> x[0]).thenComparingInt(x -> x[1]));
      out.addAll(local);
    }
    out.sort(Comparator.comparingDouble((int[] x) -> -pieces.get(x[2]).score()));
    return out;
  }
}
