package dev.glimpse.core.search;

import dev.glimpse.core.clip.Vectors;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.ScoreSample;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.index.WordHit;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.index.WordSource;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.LabelledHit;
import dev.glimpse.core.relevance.Relevance;
import dev.glimpse.core.relevance.RelevanceModel;
import dev.glimpse.core.relevance.RelevantSearch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One query through the whole search, for the API and the CLI alike:
 *
 * <ol>
 *   <li>the vector search, judged by the relevance cut-off ({@link RelevantSearch}): with {@link
 *       CutoffMode#AUTO} its candidates are the strong and weak hits, with {@link CutoffMode#NONE}
 *       the best hits of a pool;
 *   <li>the keyword search over the photos' words; a photo whose words match is a candidate and is
 *       labelled {@link Relevance#STRONG strong} whatever its vector says, because its words are
 *       what its owner wrote about it;
 *   <li>the two rankings fused ({@link RankFusion});
 *   <li>the hits of excluded concepts removed ({@link Exclusion}, and the keyword search for the
 *       excluded words);
 *   <li>near-duplicates collapsed into groups ({@link NearDuplicates}), in fused order;
 *   <li>the groups put in the requested order (fused, or by date) and a page of them cut.
 * </ol>
 *
 * <p>Every hit keeps its cosine score (computed from its stored vector when only its words found
 * it), so thresholds on cosines keep their meaning; the order is the fused one. {@code offset} and
 * {@code k} count groups. Pages are cut from one list: the whole candidate set with {@code AUTO} or
 * a date order, and with {@code NONE} by relevance a pool of {@code max(200, 2 * (offset + k + 1))}
 * hits, widened while collapsing leaves too few groups.
 */
public final class HybridSearch {
  /** The smallest candidate pool of each retriever. */
  public static final int MIN_POOL = 200;

  /** Hits fetched beyond the page when collapsing, so that its last groups gather their copies. */
  public static final int SLACK = 50;

  /** What the search reads: a store, or a server session in front of one. */
  public interface Retrieval extends RelevantSearch.Source {
    /** The images whose words match, best first; see {@code VectorStore#searchWords}. */
    List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter) throws IOException;

    /** The stored vector of an image. */
    Optional<float[]> vector(String id) throws IOException;

    /** Reads a store directly. */
    static Retrieval of(VectorStore store) {
      Objects.requireNonNull(store, "store");
      return new Retrieval() {
        @Override
        public List<SearchHit> search(float[] query, int k, int offset, SearchFilter filter)
            throws IOException {
          return store.search(query, k, offset, filter);
        }

        @Override
        public ScoreSample scoreSample(float[] query, SearchFilter filter) throws IOException {
          return store.scoreSample(query, filter);
        }

        @Override
        public List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter)
            throws IOException {
          return store.searchWords(query, k, filter);
        }

        @Override
        public Optional<float[]> vector(String id) throws IOException {
          return store.vector(id);
        }
      };
    }
  }

  /**
   * How to tell duplicates apart.
   *
   * @param collapser the threshold rule
   * @param vectors where the hits' vectors come from
   */
  public record Collapse(NearDuplicates collapser, NearDuplicates.Vectors vectors) {
    /** Validates the values. */
    public Collapse {
      Objects.requireNonNull(collapser, "collapser");
      Objects.requireNonNull(vectors, "vectors");
    }
  }

  /**
   * One result: a hit and the copies it stands for.
   *
   * @param labelled the hit, its cosine score and its relevance
   * @param fused its fused score (higher first; comparable within one query only)
   * @param matched why it is here, in the order {@code vector}, then the word sources ({@link
   *     WordSource#label()}): {@code vector} when its vector alone makes it relevant (or ranks it
   *     in the pool, with no cut-off), or when no words matched
   * @param duplicates the near-identical hits collapsed into it, best first
   */
  public record Hit(
      LabelledHit labelled, double fused, List<String> matched, List<SearchHit> duplicates) {
    /** Validates and copies. */
    public Hit {
      Objects.requireNonNull(labelled, "labelled");
      matched = List.copyOf(matched);
      duplicates = List.copyOf(duplicates);
    }

    /** The image. */
    public ImageRecord record() {
      return labelled.hit().record();
    }

    /** Cosine between the query vector and the image's, in [-1, 1]. */
    public float score() {
      return labelled.hit().score();
    }
  }

  /**
   * One page.
   *
   * @param hits the results of the page, in the requested order
   * @param hasMore whether another page follows
   * @param excluded how many candidates the exclusions removed
   * @param counts how many searched images have each label, word matches counted strong and the
   *     excluded ones left out
   * @param noGoodMatch true when the cut-off was fitted and nothing is strong
   * @param model the query's background model
   */
  public record Page(
      List<Hit> hits,
      boolean hasMore,
      int excluded,
      RelevantSearch.Counts counts,
      boolean noGoodMatch,
      RelevanceModel model) {
    /** Copies. */
    public Page {
      hits = List.copyOf(hits);
      Objects.requireNonNull(counts, "counts");
      Objects.requireNonNull(model, "model");
    }
  }

  /**
   * A query.
   *
   * @param vector the L2-normalised query vector
   * @param words the keyword query (empty: vector search only)
   * @param exclusion the excluded concepts (their words are searched as phrases)
   * @param request page ({@code k} and {@code offset} count results), filter, cut-off and order;
   *     the filter's minimum score applies to the cosine of every hit, word matches included
   * @param method how to fuse
   */
  public record Query(
      float[] vector,
      WordQuery words,
      Exclusion exclusion,
      RelevantSearch.Request request,
      RankFusion.Method method) {
    /** Validates. */
    public Query {
      Objects.requireNonNull(vector, "vector");
      Objects.requireNonNull(words, "words");
      Objects.requireNonNull(exclusion, "exclusion");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(method, "method");
    }

    /** A vector-only query: no words, no exclusion. */
    public static Query vectorOnly(float[] vector, RelevantSearch.Request request) {
      return new Query(
          vector, new WordQuery(List.of(), List.of()), Exclusion.NONE, request, RankFusion.DEFAULT);
    }
  }

  private HybridSearch() {}

  /**
   * Runs a query.
   *
   * @param retrieval the index
   * @param q the query
   * @param collapse how to collapse near-duplicates, or null to keep every hit on its own
   * @param maxWindow the deepest hit the retrieval serves; {@code k + offset} at most this
   * @return the page
   * @throws IOException if the index cannot be read
   */
  public static Page search(Retrieval retrieval, Query q, Collapse collapse, int maxWindow)
      throws IOException {
    RelevantSearch.Request request = q.request();
    long window = (long) request.offset() + request.k();
    if (window > maxWindow) {
      throw new IllegalArgumentException(
          "k + offset must be at most " + maxWindow + ", got " + window);
    }
    boolean whole = request.cutoff() == CutoffMode.AUTO || request.order() != HitOrder.RELEVANCE;
    int pool =
        whole ? maxWindow : (int) Math.min(maxWindow, Math.max(MIN_POOL, 2 * (window + 1)) + SLACK);
    while (true) {
      Candidates c = candidates(retrieval, q, pool, maxWindow);
      List<Hit> groups = groups(c, collapse);
      if (request.order() != HitOrder.RELEVANCE) {
        groups.sort((a, b) -> request.order().comparator().compare(a.labelled(), b.labelled()));
      }
      if (whole || groups.size() > window || !c.vectorMore() || pool >= maxWindow) {
        int from = Math.min(request.offset(), groups.size());
        int to = (int) Math.min(window, groups.size());
        boolean hasMore = groups.size() > window || (!whole && c.vectorMore() && to == window);
        return new Page(
            groups.subList(from, to),
            hasMore,
            c.excluded(),
            c.counts(),
            c.model().fitted() && c.counts().strong() == 0,
            c.model());
      }
      pool = (int) Math.min(maxWindow, 2L * pool);
    }
  }

  /** The fused, filtered candidates of one pool. */
  private record Candidates(
      List<Candidate> fused,
      boolean vectorMore,
      int excluded,
      RelevantSearch.Counts counts,
      RelevanceModel model) {}

  private record Candidate(LabelledHit labelled, double fused, List<String> matched) {}

  private static Candidates candidates(Retrieval retrieval, Query q, int pool, int maxWindow)
      throws IOException {
    RelevantSearch.Request request = q.request();
    SearchFilter filter = request.filter();
    RelevantSearch.Page found =
        RelevantSearch.search(
            retrieval,
            q.vector(),
            new RelevantSearch.Request(pool, 0, filter, request.cutoff(), HitOrder.RELEVANCE),
            maxWindow);
    RelevanceModel model = found.model();

    Map<String, LabelledHit> byId = new LinkedHashMap<>();
    List<RankFusion.Ranked> vectorList = new ArrayList<>();
    for (LabelledHit h : found.hits()) {
      byId.put(h.hit().record().id(), h);
      vectorList.add(new RankFusion.Ranked(h.hit().record().id(), h.hit().score()));
    }
    Map<String, Set<WordSource>> sources = new LinkedHashMap<>();
    List<RankFusion.Ranked> wordList = new ArrayList<>();
    if (!q.words().isEmpty()) {
      for (WordHit w : retrieval.searchWords(q.words(), pool, filter)) {
        String id = w.record().id();
        if (!byId.containsKey(id)) {
          Optional<float[]> v = retrieval.vector(id);
          if (v.isEmpty()) {
            continue;
          }
          float cosine = Vectors.dot(q.vector(), v.get());
          if (filter.minScore().isPresent() && cosine < filter.minScore().get()) {
            continue; // the threshold is on cosines, for every hit
          }
          byId.put(id, LabelledHit.of(new SearchHit(w.record(), cosine), model));
        }
        sources.put(id, w.matched());
        wordList.add(new RankFusion.Ranked(id, w.score()));
      }
    }
    List<RankFusion.Ranked> fused =
        wordList.isEmpty()
            ? vectorList
            : RankFusion.fuse(q.method(), List.of(vectorList, wordList));

    Map<Relevance, Long> counts = new EnumMap<>(Relevance.class);
    counts.put(Relevance.STRONG, found.counts().strong());
    counts.put(Relevance.WEAK, found.counts().weak());
    counts.put(Relevance.BELOW, found.counts().below());
    Set<String> excludedIds = excluded(retrieval, q, byId, maxWindow);
    List<Candidate> kept = new ArrayList<>(fused.size());
    int excluded = 0;
    for (RankFusion.Ranked r : fused) {
      LabelledHit byVector = byId.get(r.id());
      Set<WordSource> s = sources.getOrDefault(r.id(), Set.of());
      if (excludedIds.contains(r.id())) {
        excluded++;
        counts.merge(byVector.relevance(), -1L, Long::sum);
        continue;
      }
      List<String> matched = new ArrayList<>();
      if (s.isEmpty() || byVector.relevance() != Relevance.BELOW) {
        matched.add("vector");
      }
      EnumSet<WordSource> ordered =
          s.isEmpty() ? EnumSet.noneOf(WordSource.class) : EnumSet.copyOf(s);
      ordered.forEach(w -> matched.add(w.label()));
      LabelledHit labelled = byVector;
      if (!s.isEmpty() && byVector.relevance() != Relevance.STRONG) {
        counts.merge(byVector.relevance(), -1L, Long::sum);
        counts.merge(Relevance.STRONG, 1L, Long::sum);
        labelled =
            new LabelledHit(byVector.hit(), Relevance.STRONG, byVector.z(), byVector.eValue());
      }
      kept.add(new Candidate(labelled, r.score(), matched));
    }
    RelevantSearch.Counts adjusted =
        new RelevantSearch.Counts(
            Math.max(0, counts.get(Relevance.STRONG)),
            Math.max(0, counts.get(Relevance.WEAK)),
            Math.max(0, counts.get(Relevance.BELOW)),
            found.counts().estimated());
    return new Candidates(kept, found.hasMore(), excluded, adjusted, model);
  }

  /** The candidates that show an excluded concept or whose words contain an excluded text. */
  private static Set<String> excluded(
      Retrieval retrieval, Query q, Map<String, LabelledHit> candidates, int maxWindow)
      throws IOException {
    Set<String> out = new HashSet<>();
    if (q.exclusion().isEmpty() || candidates.isEmpty()) {
      return out;
    }
    for (WordHit h :
        retrieval.searchWords(
            new WordQuery(List.of(), q.exclusion().texts()), maxWindow, q.request().filter())) {
      out.add(h.record().id());
    }
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (String id : candidates.keySet()) {
      Optional<float[]> v = retrieval.vector(id);
      if (v.isPresent()) {
        ids.add(id);
        vectors.add(v.get());
      }
    }
    boolean[] shows = q.exclusion().shows(vectors);
    for (int i = 0; i < shows.length; i++) {
      if (shows[i]) {
        out.add(ids.get(i));
      }
    }
    return out;
  }

  /**
   * The candidates in fused order, near-duplicates collapsed. {@link NearDuplicates} groups hits in
   * descending cosine order (it prunes by score gap), so the groups are formed in that order; each
   * group is then shown by its best fused member and placed at that member's fused rank.
   */
  private static List<Hit> groups(Candidates c, Collapse collapse) throws IOException {
    List<Hit> out = new ArrayList<>(c.fused().size());
    if (collapse == null) {
      for (Candidate k : c.fused()) {
        out.add(new Hit(k.labelled(), k.fused(), k.matched(), List.of()));
      }
      return out;
    }
    Map<String, Integer> rank = new HashMap<>();
    Map<String, Candidate> byId = new HashMap<>();
    List<SearchHit> byScore = new ArrayList<>(c.fused().size());
    for (Candidate k : c.fused()) {
      String id = k.labelled().hit().record().id();
      rank.put(id, rank.size());
      byId.put(id, k);
      byScore.add(k.labelled().hit());
    }
    byScore.sort(
        Comparator.comparingDouble((SearchHit h) -> h.score())
            .reversed()
            .thenComparing(h -> h.record().id()));
    List<Integer> headRanks = new ArrayList<>();
    for (NearDuplicates.Group g : collapse.collapser().collapse(byScore, collapse.vectors())) {
      List<SearchHit> members = new ArrayList<>(g.duplicates().size() + 1);
      members.add(g.head());
      members.addAll(g.duplicates());
      SearchHit shown =
          members.stream().min(Comparator.comparing(h -> rank.get(h.record().id()))).orElseThrow();
      List<SearchHit> others = new ArrayList<>(members);
      others.remove(shown);
      Candidate head = byId.get(shown.record().id());
      out.add(new Hit(head.labelled(), head.fused(), head.matched(), others));
      headRanks.add(rank.get(shown.record().id()));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(headRanks::get));
    List<Hit> sorted = new ArrayList<>(out.size());
    order.forEach(i -> sorted.add(out.get(i)));
    return sorted;
  }
}
