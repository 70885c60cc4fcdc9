package dev.glimpse.core.relevance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ScoreSample;
import dev.glimpse.core.index.SearchFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cut-off over a real Lucene index: 400 random unit vectors (the background) and 12 planted
 * close to the query axis. Random high-dimensional vectors have cosines of about N(0, 1/dim) with
 * any axis, so the planted ones (cosine about 0.9) stand far out.
 */
class RelevantSearchTest {
  private static final int DIM = 64;
  private static final int BACKGROUND = 400;
  private static final int PLANTED = 12;
  private static final int WINDOW = LuceneVectorStore.MAX_WINDOW;

  @TempDir Path dir;
  private LuceneVectorStore store;
  private final Set<String> planted = new HashSet<>();
  private final float[] query = axis(0);

  @BeforeEach
  void index() throws IOException {
    store = LuceneVectorStore.open(dir.resolve("index"), IndexConfig.of(DIM));
    Random r = new Random(5);
    for (int i = 0; i < BACKGROUND + PLANTED; i++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) r.nextGaussian();
      }
      boolean relevant = i < PLANTED;
      if (relevant) {
        v[0] = 16; // most of the vector's length along the query axis (cosine about 0.9)
      }
      // Dates: planted photo i taken on day i of 2020; every third background photo has no EXIF
      // date and falls back to its file time, in 2019.
      Optional<Instant> taken =
          i % 3 == 2 && !relevant
              ? Optional.empty()
              : Optional.of(Instant.parse("2020-01-01T00:00:00Z").plusSeconds(86_400L * i));
      String path = "/photos/p" + i + ".jpg";
      ImageMetadata md =
          new ImageMetadata(
              10, 10, "jpeg", taken, Optional.empty(), Optional.empty(), Optional.empty());
      long mtime = Instant.parse("2019-06-01T00:00:00Z").toEpochMilli() + 1000L * i;
      store.upsert(ImageRecord.of(Path.of(path), 1, mtime, "h" + i, md), normalise(v));
      if (relevant) {
        planted.add(path);
      }
    }
    store.commit();
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private static float[] axis(int i) {
    float[] v = new float[DIM];
    v[i] = 1;
    return v;
  }

  private static float[] normalise(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  private RelevantSearch.Page search(int k, int offset, CutoffMode cutoff, HitOrder order)
      throws IOException {
    return search(k, offset, SearchFilter.NONE, cutoff, order);
  }

  private RelevantSearch.Page search(
      int k, int offset, SearchFilter filter, CutoffMode cutoff, HitOrder order)
      throws IOException {
    return RelevantSearch.search(
        RelevantSearch.Source.of(store),
        query,
        new RelevantSearch.Request(k, offset, filter, cutoff, order),
        WINDOW);
  }

  private static List<String> paths(RelevantSearch.Page page) {
    return page.hits().stream().map(h -> h.hit().record().path()).toList();
  }

  @Test
  void the_score_sample_covers_every_image_of_a_small_index() throws IOException {
    ScoreSample sample = store.scoreSample(query, SearchFilter.NONE);
    assertTrue(sample.exhaustive());
    assertEquals(BACKGROUND + PLANTED, sample.population());
    // int8 scores agree with the float search within the quantisation error
    float best = store.search(query, 1, 0, SearchFilter.NONE).get(0).score();
    float max = Float.NEGATIVE_INFINITY;
    for (float s : sample.scores()) {
      max = Math.max(max, s);
    }
    assertEquals(best, max, 0.01);
    SearchFilter folder = SearchFilter.NONE.withFolder("/elsewhere");
    assertEquals(0, store.scoreSample(query, folder).population());
  }

  @Test
  void the_planted_images_are_strong_and_counted() throws IOException {
    RelevantSearch.Page page = search(50, 0, CutoffMode.AUTO, HitOrder.RELEVANCE);
    assertFalse(page.noGoodMatch());
    assertEquals(PLANTED, page.counts().strong(), page.model() + " " + page.hits());
    assertFalse(page.counts().estimated());
    assertEquals(
        BACKGROUND + PLANTED,
        page.counts().strong() + page.counts().weak() + page.counts().below());
    Set<String> strong = new HashSet<>();
    for (LabelledHit h : page.hits()) {
      if (h.relevance() == Relevance.STRONG) {
        strong.add(h.hit().record().path());
        assertTrue(h.eValue() < RelevanceCutoff.STRONG_E, "e-value " + h.eValue());
        assertTrue(h.z() > 3, "z " + h.z());
      } else {
        assertEquals(Relevance.WEAK, h.relevance(), "auto returns no hit below");
      }
    }
    assertEquals(planted, strong);
    // strong ones come first when ranked by relevance
    assertEquals(planted, new HashSet<>(paths(page).subList(0, PLANTED)));
    assertEquals(page.counts().strong() + page.counts().weak(), page.hits().size());
    assertFalse(page.hasMore());
  }

  @Test
  void cutoff_none_pages_through_every_image_with_labels() throws IOException {
    RelevantSearch.Page first = search(300, 0, CutoffMode.NONE, HitOrder.RELEVANCE);
    assertTrue(first.hasMore());
    RelevantSearch.Page second = search(300, 300, CutoffMode.NONE, HitOrder.RELEVANCE);
    assertFalse(second.hasMore());
    assertEquals(BACKGROUND + PLANTED, first.hits().size() + second.hits().size());
    assertEquals(Relevance.BELOW, second.hits().get(second.hits().size() - 1).relevance());
    assertEquals(first.counts(), second.counts());
  }

  @Test
  void a_minimum_score_still_narrows_the_hits() throws IOException {
    SearchFilter min = SearchFilter.NONE.withMinScore(0.5f);
    RelevantSearch.Page page = search(50, 0, min, CutoffMode.AUTO, HitOrder.RELEVANCE);
    assertEquals(planted, new HashSet<>(paths(page)));
    page = search(500, 0, min, CutoffMode.NONE, HitOrder.RELEVANCE);
    assertEquals(planted, new HashSet<>(paths(page)));
  }

  @Test
  void date_order_is_newest_first_across_pages_within_the_relevant_set() throws IOException {
    List<Instant> dates = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int offset = 0;
    RelevantSearch.Page page;
    do {
      page = search(5, offset, CutoffMode.AUTO, HitOrder.NEWEST);
      for (LabelledHit h : page.hits()) {
        assertTrue(seen.add(h.hit().record().id()), "no hit on two pages");
        dates.add(HitOrder.date(h.hit().record()));
      }
      offset += 5;
    } while (page.hasMore());
    RelevantSearch.Page all = search(100, 0, CutoffMode.AUTO, HitOrder.RELEVANCE);
    assertEquals(all.hits().size(), seen.size(), "the pages cover the relevant set");
    for (int i = 1; i < dates.size(); i++) {
      assertFalse(dates.get(i).isAfter(dates.get(i - 1)), "newest first at " + i + ": " + dates);
    }
    List<Instant> oldest =
        search(100, 0, CutoffMode.AUTO, HitOrder.OLDEST).hits().stream()
            .map(h -> HitOrder.date(h.hit().record()))
            .toList();
    assertEquals(dates.reversed(), oldest);
  }

  @Test
  void date_falls_back_to_the_file_time_without_exif() throws IOException {
    List<LabelledHit> hits = search(500, 0, CutoffMode.NONE, HitOrder.OLDEST).hits();
    ImageRecord oldest = hits.get(0).hit().record();
    assertTrue(oldest.metadata().takenAt().isEmpty(), oldest.path());
    assertEquals(Instant.ofEpochMilli(oldest.mtime()), HitOrder.date(oldest));
  }

  @Test
  void a_query_far_from_everything_is_no_good_match() throws IOException {
    RelevantSearch.Page page =
        RelevantSearch.search(
            RelevantSearch.Source.of(store),
            axis(DIM - 1),
            new RelevantSearch.Request(
                20, 0, SearchFilter.NONE, CutoffMode.AUTO, HitOrder.RELEVANCE),
            WINDOW);
    assertTrue(page.noGoodMatch());
    assertEquals(0, page.counts().strong());
    assertTrue(page.counts().below() > BACKGROUND - 20);
  }
}
