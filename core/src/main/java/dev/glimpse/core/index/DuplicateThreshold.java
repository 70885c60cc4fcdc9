package dev.glimpse.core.index;

import java.util.ArrayList;
import java.util.List;

/**
 * The duplicate threshold of an index, from how far apart its photos typically are.
 *
 * <p>How close two vectors of the same picture are depends on the model: a random tiny model puts
 * every photo within cosine 0.9 of every other, real CLIP spreads distinct photos over 0.2 to 0.8.
 * What holds across models is the ratio: a resized or re-encoded copy lies much closer to its
 * original than distinct photos lie to each other. So the threshold is {@code 1 - RELATIVE * d},
 * with {@code d} the median cosine distance {@code 1 - cos} between photos sampled from the index,
 * and {@value #RELATIVE} measured on the sample photos (docs/api.md, "Duplicates"): copies lie at
 * most 0.024 d from their originals with the fixture model, distinct photos at least 0.149 d.
 */
public final class DuplicateThreshold {
  /** A duplicate lies within this fraction of the index's median distance. */
  public static final double RELATIVE = 0.1;

  /**
   * The threshold with fewer than 3 photos to learn from: too few to know what "near" means for the
   * model, so only identical vectors (the same content) collapse.
   */
  public static final float FALLBACK = 0.9999f;

  /** Photos sampled from an index. */
  public static final int SAMPLE = 256;

  private static final int MIN_SAMPLE = 3;
  private static final float LOWEST = 0.85f;
  private static final float HIGHEST = 0.999f;

  private DuplicateThreshold() {}

  /**
   * The threshold for vectors sampled from an index.
   *
   * @param sample unit vectors of distinct images
   * @return the cosine at or above which two vectors are duplicates, in [0.85, 0.999]
   */
  public static float of(List<float[]> sample) {
    if (sample.size() < MIN_SAMPLE) {
      return FALLBACK;
    }
    List<Float> distances = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      for (int j = i + 1; j < sample.size(); j++) {
        distances.add(1 - NearDuplicates.cosine(sample.get(i), sample.get(j)));
      }
    }
    distances.sort(null);
    double median = distances.get(distances.size() / 2);
    return (float) Math.max(LOWEST, Math.min(HIGHEST, 1 - RELATIVE * median));
  }
}
