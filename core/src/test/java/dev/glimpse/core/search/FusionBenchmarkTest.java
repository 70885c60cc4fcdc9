package dev.glimpse.core.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.Vectors;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.PhotoWords;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.RelevantSearch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the two fusion methods on planted data in a real Lucene index (docs/benchmarks.md,
 * "Hybrid retrieval"). Per query, two query words and three kinds of planted images among 2,000
 * random ones (32-dim random unit vectors, file names and keywords of random filler words):
 *
 * <ul>
 *   <li>3 "word" images named with both query words, with random vectors (relevant);
 *   <li>5 "vector" images whose vectors are near the query (cosine about 0.8), without the words
 *       (relevant);
 *   <li>20 "partial" images with one of the two words as a keyword and random vectors (not
 *       relevant: the distractors a keyword search drags in).
 * </ul>
 *
 * Reported: recall@10 of the word images, of the vector images, of both, and the share of the top
 * 10 taken by partial matches.
 */
class FusionBenchmarkTest {
  static final int DIM = 32;
  static final int BACKGROUND = 2000;
  static final int QUERIES = 40;

  @TempDir Path tmp;

  record Planted(
      float[] query, WordQuery words, Set<String> word, Set<String> vector, Set<String> partial) {}

  record Score(double wordRecall, double vectorRecall, double recall, double partialShare) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "word recall@10 %.3f, vector recall@10 %.3f, recall@10 %.3f, partial share of top 10 %.3f",
          wordRecall,
          vectorRecall,
          recall,
          partialShare);
    }
  }

  @Test
  void score_sum_keeps_both_the_word_and_the_vector_matches_on_top() throws Exception {
    Random random = new Random(12);
    Path photos = tmp.resolve("photos");
    List<Planted> planted = new ArrayList<>();
    try (LuceneVectorStore store =
        LuceneVectorStore.open(
            tmp.resolve("index"),
            IndexConfig.forModel(
                new ModelManifest("bench", Optional.empty(), DIM, "random", "test")))) {
      int n = 0;
      for (int i = 0; i < BACKGROUND; i++) {
        store.upsert(
            record(
                photos,
                n++,
                filler(random) + "-" + filler(random) + "-" + filler(random),
                List.of(filler(random))),
            unit(random));
      }
      for (int q = 0; q < QUERIES; q++) {
        String a = "qa" + q;
        String b = "qb" + q;
        float[] query = unit(random);
        Set<String> word = new HashSet<>();
        Set<String> vector = new HashSet<>();
        Set<String> partial = new HashSet<>();
        for (int i = 0; i < 3; i++) {
          ImageRecord r = record(photos, n++, a + "-" + b + "-" + filler(random), List.of());
          store.upsert(r, unit(random));
          word.add(idOf(store, r));
        }
        for (int i = 0; i < 5; i++) {
          ImageRecord r = record(photos, n++, filler(random) + "-" + filler(random), List.of());
          store.upsert(r, near(query, random));
          vector.add(idOf(store, r));
        }
        for (int i = 0; i < 20; i++) {
          ImageRecord r =
              record(
                  photos, n++, filler(random) + "-" + filler(random), List.of(i % 2 == 0 ? a : b));
          store.upsert(r, unit(random));
          partial.add(idOf(store, r));
        }
        planted.add(
            new Planted(query, new WordQuery(List.of(a, b), List.of()), word, vector, partial));
      }
      store.commit();

      HybridSearch.Retrieval retrieval = HybridSearch.Retrieval.of(store);
      StringBuilder report = new StringBuilder();
      Score rrf = null;
      Score sum = null;
      for (String method : List.of("vector only", "words only", "RRF", "SCORE_SUM")) {
        double wr = 0, vr = 0, r = 0, ps = 0;
        for (Planted p : planted) {
          List<String> top = top10(retrieval, p, method);
          wr += overlap(top, p.word()) / 3.0;
          vr += overlap(top, p.vector()) / 5.0;
          r += (overlap(top, p.word()) + overlap(top, p.vector())) / 8.0;
          ps += overlap(top, p.partial()) / 10.0;
        }
        Score s = new Score(wr / QUERIES, vr / QUERIES, r / QUERIES, ps / QUERIES);
        report.append(method).append(": ").append(s).append('\n');
        if (method.equals("RRF")) {
          rrf = s;
        } else if (method.equals("SCORE_SUM")) {
          sum = s;
        }
      }
      // Weak words: one query word matches 13 images equally (the 3 word images and 10 partial
      // ones), the other none; only the vector images are relevant.
      double[] weak = new double[2];
      for (Planted p : planted) {
        String a = p.words().words().get(0);
        Planted w =
            new Planted(
                p.query(),
                new WordQuery(List.of(a, "zz" + a), List.of()),
                Set.of(),
                p.vector(),
                p.partial());
        weak[0] += overlap(top10(retrieval, w, "RRF"), p.vector()) / 5.0 / QUERIES;
        weak[1] += overlap(top10(retrieval, w, "SCORE_SUM"), p.vector()) / 5.0 / QUERIES;
      }
      report.append(
          String.format(
              Locale.ROOT,
              "weak words, vector recall@10: RRF %.3f, SCORE_SUM %.3f%n",
              weak[0],
              weak[1]));
      System.out.println("Fusion on planted data (" + QUERIES + " queries):\n" + report);
      // the default (score sum) must find the planted word images, keep the vector ones, keep
      // partial matches out, and not lose to RRF
      assertTrue(sum.wordRecall() >= 0.95, report.toString());
      assertTrue(sum.vectorRecall() >= 0.95, report.toString());
      assertTrue(sum.partialShare() <= 0.05, report.toString());
      assertTrue(sum.recall() >= rrf.recall(), report.toString());
      assertTrue(weak[1] >= 0.95, report.toString());
    }
  }

  private static List<String> top10(HybridSearch.Retrieval retrieval, Planted p, String method)
      throws Exception {
    List<String> ids = new ArrayList<>();
    switch (method) {
      case "vector only" ->
          retrieval
              .search(p.query(), 10, 0, SearchFilter.NONE)
              .forEach(h -> ids.add(h.record().id()));
      case "words only" ->
          retrieval
              .searchWords(p.words(), 10, SearchFilter.NONE)
              .forEach(h -> ids.add(h.record().id()));
      default ->
          HybridSearch.search(
                  retrieval,
                  new HybridSearch.Query(
                      p.query(),
                      p.words(),
                      Exclusion.NONE,
                      none(10),
                      RankFusion.Method.valueOf(method)),
                  null,
                  MAX_WINDOW)
              .hits()
              .forEach(h -> ids.add(h.record().id()));
    }
    return ids;
  }

  private static int overlap(List<String> top, Set<String> set) {
    return (int) top.stream().filter(set::contains).count();
  }

  private static String idOf(LuceneVectorStore store, ImageRecord r) throws Exception {
    return store.getByPath(r.path()).orElseThrow().id();
  }

  private static ImageRecord record(Path dir, int n, String name, List<String> keywords) {
    return ImageRecord.of(
        dir.resolve(name + "-" + n + ".jpg"),
        1,
        0,
        "hash" + n,
        ImageMetadata.UNKNOWN.withWords(new PhotoWords(keywords, List.of(), List.of())));
  }

  private static String filler(Random random) {
    return "w" + random.nextInt(300);
  }

  private static float[] unit(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return Vectors.normalize(v);
  }

  /** A vector at cosine about 0.8 to the query. */
  private static float[] near(float[] query, Random random) {
    float[] noise = unit(random);
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = query[i] + 0.75f * noise[i];
    }
    return Vectors.normalize(v);
  }

  private static final int MAX_WINDOW = 10_000;

  /** A page of the plain fused ranking, without the cut-off. */
  private static RelevantSearch.Request none(int k) {
    return new RelevantSearch.Request(k, 0, SearchFilter.NONE, CutoffMode.NONE, HitOrder.RELEVANCE);
  }
}
