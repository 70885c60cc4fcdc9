package dev.glimpse.core.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collapses search hits that show the same picture: the same content hash, or image vectors whose
 * cosine is at least a threshold (a resized or re-encoded copy, a burst shot).
 *
 * <p>Hits are taken in rank order; each hit joins the group of the first earlier group head that it
 * duplicates, or heads a new group. Comparing with group heads only (not every member) keeps a
 * chain of slightly different shots from merging two distinct pictures through intermediate ones.
 * Cost: one dot product per hit and earlier head, at most {@code n * g} for {@code n} hits in
 * {@code g} groups; the heads compared are limited to those whose score is close enough that
 * duplication is possible (two unit vectors with cosine {@code t} score within {@code sqrt(2 - 2t)}
 * of each other for any unit query).
 */
public final class NearDuplicates {
  /** The threshold without an index to learn from; an index's own is {@link DuplicateThreshold}. */
  public static final float DEFAULT_THRESHOLD = DuplicateThreshold.FALLBACK;

  private final float threshold;
  private final double scoreGap;

  /**
   * Creates a collapser.
   *
   * @param threshold the cosine at or above which two vectors are duplicates, in (0, 1]
   */
  public NearDuplicates(float threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("duplicate threshold must be in (0, 1], got " + threshold);
    }
    this.threshold = threshold;
    this.scoreGap = Math.sqrt(2 - 2.0 * threshold) + 1e-6;
  }

  /** The threshold. */
  public float threshold() {
    return threshold;
  }

  /** Where the vector of a hit comes from (the store's stored vector). */
  @FunctionalInterface
  public interface Vectors {
    /**
     * The vector of an image.
     *
     * @param id an image id
     * @return its unit vector, or null if it is gone
     * @throws IOException if the index cannot be read
     */
    float[] of(String id) throws IOException;
  }

  /**
   * A group: the best-ranked hit and the hits collapsed into it, in rank order.
   *
   * @param head the hit shown
   * @param duplicates the hits it stands for
   */
  public record Group(SearchHit head, List<SearchHit> duplicates) {
    /** Validates and copies. */
    public Group {
      Objects.requireNonNull(head, "head");
      duplicates = List.copyOf(duplicates);
    }
  }

  /**
   * Groups hits.
   *
   * @param hits hits by descending score
   * @param vectors the vectors of the hits
   * @return the groups, in the rank order of their heads
   * @throws IOException if a vector cannot be read
   */
  public List<Group> collapse(List<SearchHit> hits, Vectors vectors) throws IOException {
    List<SearchHit> heads = new ArrayList<>();
    List<float[]> headVectors = new ArrayList<>();
    List<List<SearchHit>> members = new ArrayList<>();
    Map<String, Integer> byHash = new HashMap<>();
    for (SearchHit hit : hits) {
      Integer group = byHash.get(hit.record().hash());
      float[] v = null;
      if (group == null) {
        v = vectors.of(hit.record().id());
        group = v == null ? null : similarHead(hit.score(), v, heads, headVectors);
      }
      if (group == null) {
        byHash.put(hit.record().hash(), heads.size());
        heads.add(hit);
        headVectors.add(v);
        members.add(new ArrayList<>());
      } else {
        byHash.putIfAbsent(hit.record().hash(), group);
        members.get(group).add(hit);
      }
    }
    List<Group> out = new ArrayList<>(heads.size());
    for (int i = 0; i < heads.size(); i++) {
      out.add(new Group(heads.get(i), members.get(i)));
    }
    return out;
  }

  private Integer similarHead(
      float score, float[] v, List<SearchHit> heads, List<float[]> headVectors) {
    // Heads are in descending score; only those within scoreGap can be duplicates. Scan from the
    // closest (latest) backwards and stop at the first too far above.
    Integer found = null;
    for (int i = heads.size() - 1; i >= 0; i--) {
      if (heads.get(i).score() - score > scoreGap) {
        break;
      }
      float[] h = headVectors.get(i);
      if (h != null && cosine(v, h) >= threshold) {
        found = i; // keep scanning: the earliest matching head wins, as the javadoc says
      }
    }
    return found;
  }

  /** The dot product of two unit vectors. */
  public static float cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return (float) dot;
  }
}
