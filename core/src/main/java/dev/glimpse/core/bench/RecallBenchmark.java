package dev.glimpse.core.bench;

import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.lucene.util.VectorUtil;

/**
 * Recall@k of the store's search strategies (the default, a float scan, HNSW at candidate counts)
 * against exact (brute-force) search over every indexed vector, with the search latency each costs.
 * Strategies are interleaved per query so machine load hits them alike; a few untimed searches per
 * strategy come first.
 */
public final class RecallBenchmark {
  private static final int WARMUP_QUERIES = 10;

  /**
   * One candidate count.
   *
   * @param minCandidates HNSW candidates explored (ef_search); {@link
   *     LuceneVectorStore#AUTO_STRATEGY} (0) is the store's default strategy (exact search up to
   *     {@link LuceneVectorStore#EXACT_LIMIT} images)
   * @param meanRecall mean recall@k over the queries
   * @param minRecall the worst query's recall@k
   * @param p50Millis median HNSW search latency (records of the hits read)
   * @param p99Millis 99th percentile of the same
   */
  public record Point(
      int minCandidates, double meanRecall, double minRecall, double p50Millis, double p99Millis) {}

  /**
   * What one run measured.
   *
   * @param queries query vectors
   * @param vectors vectors in the index
   * @param k the k of recall@k
   * @param points one per candidate count
   * @param exactP50Millis median time of one exact (brute-force, one thread) search over the
   *     vectors held in memory, for comparison
   */
  public record Result(
      int queries, int vectors, int k, List<Point> points, double exactP50Millis) {}

  private RecallBenchmark() {}

  /**
   * Measures recall.
   *
   * @param store the index
   * @param queries normalised query vectors
   * @param k how many neighbours to compare
   * @param candidateCounts HNSW candidate counts to try
   * @param log progress lines
   */
  public static Result run(
      LuceneVectorStore store,
      List<float[]> queries,
      int k,
      int[] candidateCounts,
      Consumer<String> log)
      throws IOException {
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    long t0 = System.nanoTime();
    store.forEachVector(
        (id, v) -> {
          ids.add(id);
          vectors.add(v);
        });
    log.accept(
        String.format(
            java.util.Locale.ROOT,
            "read %d vectors back in %.1f s",
            vectors.size(),
            (System.nanoTime() - t0) / 1e9));
    // Untimed warm-up: JIT, and the int8 copies the default strategy builds on first use.
    for (int q = 0; q < Math.min(WARMUP_QUERIES, queries.size()); q++) {
      for (int c : candidateCounts) {
        store.search(queries.get(q), k, 0, SearchFilter.NONE, c);
      }
    }
    double[][] recall = new double[candidateCounts.length][queries.size()];
    double[][] millis = new double[candidateCounts.length][queries.size()];
    double[] exactMillis = new double[queries.size()];
    for (int q = 0; q < queries.size(); q++) {
      float[] query = queries.get(q);
      long e0 = System.nanoTime();
      Set<String> exact = exactTopK(query, ids, vectors, k);
      exactMillis[q] = (System.nanoTime() - e0) / 1e6;
      for (int c = 0; c < candidateCounts.length; c++) {
        long s = System.nanoTime();
        List<SearchHit> hits = store.search(query, k, 0, SearchFilter.NONE, candidateCounts[c]);
        millis[c][q] = (System.nanoTime() - s) / 1e6;
        int found = 0;
        for (SearchHit h : hits) {
          if (exact.contains(h.record().id())) {
            found++;
          }
        }
        recall[c][q] = (double) found / k;
      }
    }
    List<Point> points = new ArrayList<>();
    for (int c = 0; c < candidateCounts.length; c++) {
      double[] ms = millis[c].clone();
      Arrays.sort(ms);
      points.add(
          new Point(
              candidateCounts[c],
              Arrays.stream(recall[c]).average().orElse(Double.NaN),
              Arrays.stream(recall[c]).min().orElse(Double.NaN),
              EncoderBenchmark.percentile(ms, 50),
              EncoderBenchmark.percentile(ms, 99)));
    }
    Arrays.sort(exactMillis);
    return new Result(
        queries.size(), vectors.size(), k, points, EncoderBenchmark.percentile(exactMillis, 50));
  }

  /** The ids of the k vectors with the largest dot product with the query. */
  static Set<String> exactTopK(float[] query, List<String> ids, List<float[]> vectors, int k) {
    int[] best = new int[k];
    float[] scores = new float[k];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    Arrays.fill(best, -1);
    for (int i = 0; i < vectors.size(); i++) {
      float s = VectorUtil.dotProduct(query, vectors.get(i));
      if (s > scores[k - 1]) {
        int j = k - 1;
        while (j > 0 && scores[j - 1] < s) {
          scores[j] = scores[j - 1];
          best[j] = best[j - 1];
          j--;
        }
        scores[j] = s;
        best[j] = i;
      }
    }
    Set<String> out = new HashSet<>();
    for (int b : best) {
      if (b >= 0) {
        out.add(ids.get(b));
      }
    }
    return out;
  }
}
