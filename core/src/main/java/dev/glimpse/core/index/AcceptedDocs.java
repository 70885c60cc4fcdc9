package dev.glimpse.core.index;

import java.io.IOException;
import java.util.Optional;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * The documents of one segment an exact search may return: live, and matched by the filter if there
 * is one. Ask in increasing doc order; the filter's iterator only moves forward.
 */
final class AcceptedDocs {
  private final Bits live;
  private final DocIdSetIterator allowed;

  private AcceptedDocs(Bits live, DocIdSetIterator allowed) {
    this.live = live;
    this.allowed = allowed;
  }

  /** The filter's weight for {@link #of}, or null without a filter. */
  static Weight filterWeight(IndexSearcher searcher, Optional<Query> filter) throws IOException {
    return filter.isPresent()
        ? searcher.createWeight(searcher.rewrite(filter.get()), ScoreMode.COMPLETE_NO_SCORES, 1f)
        : null;
  }

  /**
   * The documents of {@code leaf} a search may return: live and, with a filter, matching it.
   *
   * @param filter the filter's weight, or null for no filter
   * @return empty when the filter matches nothing in this segment
   */
  static Optional<AcceptedDocs> of(LeafReaderContext leaf, Weight filter) throws IOException {
    DocIdSetIterator allowed = null;
    if (filter != null) {
      Scorer scorer = filter.scorer(leaf);
      if (scorer == null) {
        return Optional.empty();
      }
      allowed = scorer.iterator();
    }
    return Optional.of(new AcceptedDocs(leaf.reader().getLiveDocs(), allowed));
  }

  boolean accepts(int doc) throws IOException {
    if (live != null && !live.get(doc)) {
      return false;
    }
    if (allowed != null) {
      if (allowed.docID() < doc) {
        allowed.advance(doc);
      }
      return allowed.docID() == doc;
    }
    return true;
  }
}
