package dev.glimpse.core.search;

import dev.glimpse.core.clip.Vectors;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.index.WordHit;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.index.WordSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One query through both retrievers: the vector search and the keyword search over the photos'
 * words each return a pool of candidates, {@link RankFusion} merges the two rankings, and the hits
 * of excluded concepts are removed ({@link Exclusion}, and the keyword search for the excluded
 * words). A photo whose words match ranks near the top even when its vector does not.
 *
 * <p>Every hit keeps its cosine score (computed from its stored vector when only its words found
 * it), so thresholds on cosines keep their meaning; the order is the fused one.
 *
 * <p>Paging: both pools are {@code max(200, 2 * (offset + k + 1))} deep, so a page is cut from the
 * same fused list as the pages before it whenever those pools cover it (always on indexes of up to
 * 200 images).
 */
public final class HybridSearch {
  /** The smallest candidate pool of each retriever. */
  public static final int MIN_POOL = 200;

  /** The deepest pool: the store's largest window. */
  public static final int MAX_POOL = 10_000;

  /** What the search reads: a store, or a server session in front of one. */
  public interface Retrieval {
    /** The nearest images to a query vector, best first; see {@code VectorStore#search}. */
    List<SearchHit> search(float[] query, int k, SearchFilter filter) throws IOException;

    /** The images whose words match, best first; see {@code VectorStore#searchWords}. */
    List<WordHit> searchWords(WordQuery query, int k, SearchFilter filter) throws IOException;

    /** The stored vector of an image. */
    Optional<float[]> vector(String id) throws IOException;

    /** Reads a store directly. */
    static Retrieval of(VectorStore store) {
      Objects.requireNonNull(store, "store");
      return new Retrieval() {
        @Override
        public List<SearchHit> search(float[] query, int k, SearchFilter filter)
            throws IOException {
          return store.search(query, k, 0, filter);
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
   * One fused hit.
   *
   * @param record the image
   * @param score cosine between the query vector and the image's, in [-1, 1]
   * @param fused its fused score (higher first; comparable within one query only)
   * @param matched why it is here, in the order {@code vector}, then the word sources ({@link
   *     WordSource#label()}): {@code vector} when the vector search alone ranks it within the
   *     requested window, or when no words matched
   */
  public record Hit(ImageRecord record, float score, double fused, List<String> matched) {
    /** Validates and copies. */
    public Hit {
      Objects.requireNonNull(record, "record");
      matched = List.copyOf(matched);
    }
  }

  /**
   * One page.
   *
   * @param hits the hits of the page, best first
   * @param hasMore whether another page follows
   * @param excluded how many candidates the exclusions removed
   */
  public record Page(List<Hit> hits, boolean hasMore, int excluded) {
    /** Copies. */
    public Page {
      hits = List.copyOf(hits);
    }
  }

  /**
   * A query.
   *
   * @param vector the L2-normalised query vector
   * @param words the keyword query (empty: vector search only)
   * @param exclusion the excluded concepts (their words are searched as phrases)
   * @param k hits per page
   * @param offset hits skipped
   * @param filter restrictions of both searches; its minimum score applies to the cosine of every
   *     hit, word matches included
   * @param method how to fuse
   */
  public record Query(
      float[] vector,
      WordQuery words,
      Exclusion exclusion,
      int k,
      int offset,
      SearchFilter filter,
      RankFusion.Method method) {
    /** Validates. */
    public Query {
      Objects.requireNonNull(vector, "vector");
      Objects.requireNonNull(words, "words");
      Objects.requireNonNull(exclusion, "exclusion");
      Objects.requireNonNull(filter, "filter");
      Objects.requireNonNull(method, "method");
      if (k < 1 || offset < 0 || (long) k + offset > MAX_POOL) {
        throw new IllegalArgumentException(
            "k must be at least 1 and k + offset at most "
                + MAX_POOL
                + ", got "
                + k
                + ", "
                + offset);
      }
    }
  }

  private HybridSearch() {}

  /**
   * Runs a query.
   *
   * @param retrieval the index
   * @param q the query
   * @return the page
   * @throws IOException if the index cannot be read
   */
  public static Page search(Retrieval retrieval, Query q) throws IOException {
    int window = q.offset() + q.k();
    int pool = Math.min(MAX_POOL, Math.max(MIN_POOL, 2 * (window + 1)));
    List<SearchHit> byVector = retrieval.search(q.vector(), pool, q.filter());
    List<WordHit> byWords =
        q.words().isEmpty() ? List.of() : retrieval.searchWords(q.words(), pool, q.filter());

    Map<String, ImageRecord> records = new HashMap<>();
    Map<String, Float> cosines = new HashMap<>();
    Map<String, Set<WordSource>> sources = new HashMap<>();
    Set<String> vectorWindow = new HashSet<>();
    List<RankFusion.Ranked> vectorList = new ArrayList<>();
    for (int i = 0; i < byVector.size(); i++) {
      SearchHit h = byVector.get(i);
      String id = h.record().id();
      records.put(id, h.record());
      cosines.put(id, h.score());
      vectorList.add(new RankFusion.Ranked(id, h.score()));
      if (i < window) {
        vectorWindow.add(id);
      }
    }
    List<RankFusion.Ranked> wordList = new ArrayList<>();
    for (WordHit h : byWords) {
      String id = h.record().id();
      records.putIfAbsent(id, h.record());
      sources.put(id, h.matched());
      wordList.add(new RankFusion.Ranked(id, h.score()));
    }
    List<RankFusion.Ranked> fused = RankFusion.fuse(q.method(), List.of(vectorList, wordList));

    Set<String> excludedIds = excluded(retrieval, q, fused, cosines);
    List<Hit> kept = new ArrayList<>();
    int excluded = 0;
    for (RankFusion.Ranked r : fused) {
      if (excludedIds.contains(r.id())) {
        excluded++;
        continue;
      }
      float cosine = cosine(retrieval, q.vector(), r.id(), cosines);
      if (q.filter().minScore().isPresent() && cosine < q.filter().minScore().get()) {
        continue; // a word match below the threshold: the threshold is on cosines for all hits
      }
      List<String> matched = new ArrayList<>();
      Set<WordSource> s = sources.getOrDefault(r.id(), Set.of());
      if (vectorWindow.contains(r.id()) || s.isEmpty()) {
        matched.add("vector");
      }
      EnumSet<WordSource> ordered =
          s.isEmpty() ? EnumSet.noneOf(WordSource.class) : EnumSet.copyOf(s);
      ordered.forEach(w -> matched.add(w.label()));
      kept.add(new Hit(records.get(r.id()), cosine, r.score(), matched));
    }
    boolean hasMore = kept.size() > window;
    List<Hit> page =
        q.offset() >= kept.size()
            ? List.of()
            : kept.subList(q.offset(), Math.min(window, kept.size()));
    return new Page(page, hasMore, excluded);
  }

  /** The candidates that show an excluded concept or whose words contain an excluded text. */
  private static Set<String> excluded(
      Retrieval retrieval, Query q, List<RankFusion.Ranked> fused, Map<String, Float> cosines)
      throws IOException {
    Set<String> out = new HashSet<>();
    if (q.exclusion().isEmpty()) {
      return out;
    }
    for (WordHit h :
        retrieval.searchWords(
            new WordQuery(List.of(), q.exclusion().texts()), MAX_POOL, q.filter())) {
      out.add(h.record().id());
    }
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (RankFusion.Ranked r : fused) {
      Optional<float[]> v = retrieval.vector(r.id());
      if (v.isPresent()) {
        ids.add(r.id());
        vectors.add(v.get());
        cosines.putIfAbsent(r.id(), Vectors.dot(q.vector(), v.get()));
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

  private static float cosine(
      Retrieval retrieval, float[] query, String id, Map<String, Float> cosines)
      throws IOException {
    Float known = cosines.get(id);
    if (known != null) {
      return known;
    }
    float c = retrieval.vector(id).map(v -> Vectors.dot(query, v)).orElse(-1f);
    cosines.put(id, c);
    return c;
  }
}
