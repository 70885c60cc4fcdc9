package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.Vectors;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Proves that the peer runs the same model as Glimpse before their speeds are compared: cosine of
 * the two engines' features for two random images and the typical query.
 */
public final class PeerCheck {
  /** Below this the peer is not the same model (fp32 engines agree to about 1e-6). */
  static final double MIN_COSINE = 0.9999;

  private PeerCheck() {}

  /**
   * Compares the peer's image and text features with Glimpse's on the same inputs.
   *
   * @return a one-line summary
   * @throws IllegalStateException if the peer's features differ from Glimpse's
   */
  public static String describe(OrtPeerEncoder peer, ClipModel model) {
    int size = model.preprocess().cropSize();
    float[] pixels = new float[2 * 3 * size * size];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    float[][] ours = model.imageFeatures(pixels, 2);
    float[][] theirs = peer.encodeImages(pixels, 2);
    double worst = Math.min(Vectors.cosine(ours[0], theirs[0]), Vectors.cosine(ours[1], theirs[1]));
    long[][] ids = model.tokenizer().encode(List.of(EncoderBenchmark.TYPICAL_QUERY));
    double text =
        Vectors.cosine(model.textFeatures(ids)[0], peer.encodeText(EncoderBenchmark.TYPICAL_QUERY));
    if (!(worst >= MIN_COSINE) || !(text >= MIN_COSINE)) {
      throw new IllegalStateException(
          "the peer is not the same model: image cosine "
              + worst
              + ", text cosine "
              + text
              + " against Glimpse's "
              + model.backend().label());
    }
    return String.format(
        java.util.Locale.ROOT,
        "peer check: image cosine %.7f, text cosine %.7f against Glimpse's %s",
        worst,
        text,
        model.backend().label());
  }
}
