package dev.glimpse.core.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fuses ranked lists of one query (the vector search's and the keyword search's) into one ranking.
 * Two methods, measured against each other in docs/benchmarks.md ("Hybrid retrieval"):
 *
 * <ul>
 *   <li>{@link Method#RRF}, reciprocal rank fusion (Cormack et al. 2009): {@code sum 1 / (60 +
 *       rank)} over the lists an item is in. Uses ranks only, so the scales of cosines and BM25
 *       never meet. Weaker on planted data: partial keyword matches take rank slots from strong
 *       vector matches.
 *   <li>{@link Method#SCORE_SUM}, a calibrated score sum: each list's scores are min-max scaled to
 *       [0, 1] over that list, and the scaled scores add up (0 for a list the item is not in).
 * </ul>
 *
 * Ties keep the order of the first list an item appears in, so the fusion is deterministic.
 */
public final class RankFusion {
  /** The method searches use unless told otherwise. */
  public static final Method DEFAULT = Method.SCORE_SUM;

  /** RRF's rank constant: damps the difference between the very first ranks (the paper's 60). */
  public static final int RRF_K = 60;

  private RankFusion() {}

  /** How to fuse. */
  public enum Method {
    /** Reciprocal rank fusion. */
    RRF,
    /** Min-max scaled scores, summed. */
    SCORE_SUM
  }

  /**
   * One item of a ranked list.
   *
   * @param id the item
   * @param score its score in that list (higher is better)
   */
  public record Ranked(String id, double score) {
    /** Validates the id. */
    public Ranked {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * Fuses lists.
   *
   * @param method how
   * @param lists each list best first, an id at most once per list
   * @return every id of any list with its fused score, best first
   */
  public static List<Ranked> fuse(Method method, List<List<Ranked>> lists) {
    Map<String, Double> fused = new LinkedHashMap<>();
    Map<String, Integer> firstSeen = new HashMap<>();
    for (List<Ranked> list : lists) {
      double max = list.stream().mapToDouble(Ranked::score).max().orElse(0);
      double min = list.stream().mapToDouble(Ranked::score).min().orElse(0);
      for (int i = 0; i < list.size(); i++) {
        Ranked r = list.get(i);
        double part =
            switch (method) {
              case RRF -> 1.0 / (RRF_K + i + 1);
              case SCORE_SUM -> max > min ? (r.score() - min) / (max - min) : 1.0;
            };
        fused.merge(r.id(), part, Double::sum);
        firstSeen.putIfAbsent(r.id(), firstSeen.size());
      }
    }
    List<Ranked> out = new ArrayList<>(fused.size());
    fused.forEach((id, score) -> out.add(new Ranked(id, score)));
    out.sort(
        Comparator.comparingDouble(Ranked::score)
            .reversed()
            .thenComparing(r -> firstSeen.get(r.id())));
    return out;
  }
}
