package dev.glimpse.core.clip;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The small random-weight model an engine self-check runs ({@link EngineChoice}): the family of the
 * model to be loaded, with its heads and each tower's activation and LayerNorm epsilon, at a size
 * that checks in about a second. A SigLIP model is checked on SigLIP towers (MAP head, unmasked
 * last-token text tower), since a CLIP check would not run the code SigLIP uses.
 */
record SelfCheckModel(
    ModelFamily family,
    Activation visionActivation,
    float visionEps,
    Activation textActivation,
    float textEps) {

  /** The check model for {@code config}. */
  static SelfCheckModel of(ClipConfig config) {
    TransformerConfig v = config.vision().transformer();
    TransformerConfig t = config.text().transformer();
    return new SelfCheckModel(
        config.family(), v.activation(), v.layerNormEps(), t.activation(), t.layerNormEps());
  }

  /** A CLIP check model with one activation and epsilon in both towers. */
  static SelfCheckModel clip(Activation activation, float eps) {
    return new SelfCheckModel(ModelFamily.CLIP, activation, eps, activation, eps);
  }

  /** Whether the towers are SigLIP's (MAP image head, last-token text head). */
  boolean siglip() {
    return family != ModelFamily.CLIP;
  }

  /** What the check depends on, for remembering its result; stable across runs. */
  String key() {
    String key = family.label() + "/" + visionActivation + "/" + visionEps;
    if (textActivation != visionActivation || textEps != visionEps) {
      key += "/" + textActivation + "/" + textEps;
    }
    return key;
  }

  /** The geometry: 32 px in patches of 8, width 64 with 4 heads, a 16-token context. */
  ClipConfig config() {
    TransformerConfig vision = new TransformerConfig(64, 2, 4, 128, visionActivation, visionEps);
    TransformerConfig text = new TransformerConfig(64, 2, 4, 128, textActivation, textEps);
    if (!siglip()) {
      return new ClipConfig(32, new VisionConfig(32, 8, vision), new TextConfig(16, 64, text));
    }
    return new ClipConfig(
        64,
        new VisionConfig(32, 8, vision, VisionHead.MAP),
        new TextConfig(16, 64, text, TextHead.LAST),
        family);
  }

  /** Writes the checkpoint into {@code dir} and opens it. */
  ClipCheckpoint write(Path dir) throws IOException {
    if (siglip()) {
      SyntheticCheckpoint.writeSiglip(dir, config(), 20211, DType.F32);
    } else {
      SyntheticCheckpoint.write(dir, config(), 20211, DType.F32);
    }
    return ClipCheckpoint.open(dir);
  }

  /**
   * Two token rows as the family's tokenizer shapes them: CLIP's end at the end-of-text token (the
   * largest id); SigLIP's fill the context, padded with the end-of-sequence id 1.
   */
  long[][] tokenIds() {
    if (!siglip()) {
      return new long[][] {{0, 5, 9, 63, 0}, {0, 7, 63}};
    }
    int context = config().text().contextLength();
    long[][] ids = new long[2][context];
    java.util.Arrays.fill(ids[0], 1);
    java.util.Arrays.fill(ids[1], 1);
    long[] words = {5, 9, 33, 17, 60};
    System.arraycopy(words, 0, ids[0], 0, words.length);
    ids[1][0] = 7;
    ids[1][1] = 63;
    return ids;
  }
}
