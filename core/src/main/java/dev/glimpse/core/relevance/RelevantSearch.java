package dev.glimpse.core.relevance;

import dev.glimpse.core.index.ScoreSample;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A search judged by the relevance cut-off: the query's scores are fitted ({@link
 * RelevanceCutoff}), the relevant set (every strong and weak hit) is fetched with float scores,
 * counted and labelled, and a page of it is cut in the order asked for. Counting the fetched set
 * rather than the scan's int8 scores keeps the counts equal to the labels a client sees.
 *
 * <p>With {@link CutoffMode#AUTO} the pages run over the relevant set; with {@link CutoffMode#NONE}
 * over every hit, labelled, as before the cut-off existed. A date order sorts the whole set before
 * paging, so pages stay consistent; with {@code NONE} that set is the best {@code maxWindow} hits.
 */
public final class RelevantSearch {

  /** What the search runs on: a {@link VectorStore}, or a server's session over one. */
  public interface Source {
    /** See {@link VectorStore#search}. */
    List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
        throws IOException;

    /** See {@link VectorStore#scoreSample}. */
    ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException;

    /** A store as a source. */
    static Source of(VectorStore store) {
      Objects.requireNonNull(store, "store");
      return new Source() {
        @Override
        public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
            throws IOException {
          return store.search(query, k, offset, filter);
        }

        @Override
        public ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException {
          return store.scoreSample(query, filter);
        }
      };
    }
  }

  /**
   * What to return.
   *
   * @param k hits per page, at least 1
   * @param offset hits skipped, for paging
   * @param filter restrictions; a minimum score narrows the hits returned, not the counts
   * @param cutoff which hits to page over
   * @param order their order
   */
  public record Request(int k, int offset, SearchFilter filter, CutoffMode cutoff, HitOrder order) {
    /** Validates the values. */
    public Request {
      Objects.requireNonNull(filter, "filter");
      Objects.requireNonNull(cutoff, "cutoff");
      Objects.requireNonNull(order, "order");
      if (k < 1 || offset < 0) {
        throw new IllegalArgumentException(
            "k must be at least 1 and offset not negative, got " + k + ", " + offset);
      }
    }
  }

  /**
   * How many searched images have each label.
   *
   * @param strong strong hits
   * @param weak weak hits
   * @param below the rest of the searched images
   * @param estimated true when the counts come from a sample (indexes above the exact-search limit)
   *     or the relevant set was larger than the deepest window
   */
  public record Counts(long strong, long weak, long below, boolean estimated) {}

  /**
   * One page.
   *
   * @param hits the page's hits, labelled
   * @param counts the labels over every searched image
   * @param noGoodMatch true when the model was fitted and found no strong hit
   * @param hasMore whether another page follows
   * @param model the query's background model
   */
  public record Page(
      List<LabelledHit> hits,
      Counts counts,
      boolean noGoodMatch,
      boolean hasMore,
      RelevanceModel model) {}

  private static final int MIN_FETCH = 64;

  private RelevantSearch() {}

  /**
   * Runs a search.
   *
   * @param source the index
   * @param query L2-normalised query vector
   * @param request page, filter, cut-off and order
   * @param maxWindow the deepest hit the source serves ({@code k + offset} at most this)
   * @return the page
   * @throws IOException if the index cannot be read
   */
  public static Page search(Source source, float[] query, Request request, int maxWindow)
      throws IOException {
    ScoreSample sample = source.scoreSample(query, request.filter());
    RelevanceModel model = RelevanceCutoff.fit(sample.scores(), sample.population());
    if (!model.fitted()) {
      // Too few images to judge: every hit is weak and the pages are the plain search's.
      List<LabelledHit> all = label(fetch(source, query, request.filter(), maxWindow), model);
      Counts counts = new Counts(0, sample.population(), 0, !sample.exhaustive());
      return page(all, request, counts, model);
    }
    Relevant relevant = relevant(source, query, request.filter(), model, sample, maxWindow);
    Counts counts = relevant.counts(sample);
    Page page;
    if (request.cutoff() == CutoffMode.AUTO) {
      page = page(atLeast(relevant.hits(), request.filter()), request, counts, model);
    } else if (request.order() == HitOrder.RELEVANCE) {
      page = scorePage(source, query, request, counts, model, maxWindow);
    } else {
      page =
          page(
              label(fetch(source, query, request.filter(), maxWindow), model),
              request,
              counts,
              model);
    }
    return page;
  }

  /** The strong and weak hits, with float scores, and whether the window cut them short. */
  private record Relevant(List<LabelledHit> hits, boolean capped, RelevanceModel model) {
    Counts counts(ScoreSample sample) {
      long strong = hits.stream().filter(h -> h.relevance() == Relevance.STRONG).count();
      long weak = hits.size() - strong;
      boolean estimated = capped || !sample.exhaustive();
      if (capped) {
        // More than the window holds: the scan's scores tell how many.
        strong = Math.max(strong, scaled(sample, model.strongScore()));
        weak = Math.max(weak, scaled(sample, model.weakScore()) - strong);
      }
      return new Counts(strong, weak, Math.max(0, sample.population() - strong - weak), estimated);
    }
  }

  private static Relevant relevant(
      Source source,
      float[] query,
      SearchFilter filter,
      RelevanceModel model,
      ScoreSample sample,
      int maxWindow)
      throws IOException {
    if (model.weakScore() > 1) {
      return new Relevant(List.of(), false, model); // no cosine reaches the threshold
    }
    SearchFilter above = filter.withMinScore((float) Math.max(-1, model.weakScore()));
    long expected = scaled(sample, model.weakScore());
    int window = (int) Math.min(maxWindow, Math.max(MIN_FETCH, expected + expected / 4 + 16));
    while (true) {
      List<SearchHit> hits = source.search(query, window, 0, above);
      if (hits.size() < window || window == maxWindow) {
        return new Relevant(label(hits, model), hits.size() == maxWindow, model);
      }
      window = (int) Math.min(maxWindow, 4L * window);
    }
  }

  /** How many searched images the sample says score at least {@code threshold}. */
  private static long scaled(ScoreSample sample, double threshold) {
    long n = 0;
    for (float s : sample.scores()) {
      if (s >= threshold) {
        n++;
      }
    }
    return sample.exhaustive()
        ? n
        : Math.round(n * (double) sample.population() / sample.scores().length);
  }

  /** The best {@code maxWindow} hits. */
  private static List<SearchHit> fetch(
      Source source, float[] query, SearchFilter filter, int maxWindow) throws IOException {
    return source.search(query, maxWindow, 0, filter);
  }

  private static List<LabelledHit> label(List<SearchHit> hits, RelevanceModel model) {
    List<LabelledHit> out = new ArrayList<>(hits.size());
    for (SearchHit h : hits) {
      out.add(LabelledHit.of(h, model));
    }
    return out;
  }

  private static List<LabelledHit> atLeast(List<LabelledHit> hits, SearchFilter filter) {
    if (filter.minScore().isEmpty()) {
      return hits;
    }
    float min = filter.minScore().get();
    return hits.stream().filter(h -> h.hit().score() >= min).toList();
  }

  /** A page cut from a whole set, sorted first. */
  private static Page page(
      List<LabelledHit> all, Request request, Counts counts, RelevanceModel model) {
    List<LabelledHit> sorted = new ArrayList<>(all);
    sorted.sort(request.order().comparator());
    int from = Math.min(request.offset(), sorted.size());
    int to = (int) Math.min(sorted.size(), (long) request.offset() + request.k());
    return new Page(
        List.copyOf(sorted.subList(from, to)),
        counts,
        model.fitted() && counts.strong() == 0,
        to < sorted.size(),
        model);
  }

  /** A page of the plain search, best first: deep pages without fetching what lies before. */
  private static Page scorePage(
      Source source,
      float[] query,
      Request request,
      Counts counts,
      RelevanceModel model,
      int maxWindow)
      throws IOException {
    // One extra hit says whether another page exists, when the window allows it.
    boolean probe = (long) request.k() + request.offset() + 1 <= maxWindow;
    List<SearchHit> hits =
        source.search(
            query, probe ? request.k() + 1 : request.k(), request.offset(), request.filter());
    boolean hasMore = hits.size() > request.k();
    List<LabelledHit> page = label(hits.subList(0, Math.min(request.k(), hits.size())), model);
    return new Page(page, counts, counts.strong() == 0, hasMore, model);
  }
}
