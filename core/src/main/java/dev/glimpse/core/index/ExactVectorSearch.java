package dev.glimpse.core.index;

import java.io.IOException;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;

/**
 * Brute-force nearest neighbours: every live vector (that passes the filter) is scored with the
 * same similarity and score scale as Lucene's KNN query, so results are interchangeable with it.
 */
final class ExactVectorSearch {
  private ExactVectorSearch() {}

  static TopDocs search(
      IndexSearcher searcher, String field, float[] query, int k, Optional<Query> filter)
      throws IOException {
    Weight filterWeight = AcceptedDocs.filterWeight(searcher, filter);
    // Min-heap of the best k: lowest score on top, ties broken towards the higher doc id.
    PriorityQueue<ScoreDoc> best =
        new PriorityQueue<>(
            k + 1,
            (a, b) ->
                a.score != b.score
                    ? Float.compare(a.score, b.score)
                    : Integer.compare(b.doc, a.doc));
    long visited = 0;
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
      if (values == null) {
        continue;
      }
      Optional<AcceptedDocs> accepted = AcceptedDocs.of(leaf, filterWeight);
      if (accepted.isEmpty()) {
        continue;
      }
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (!accepted.get().accepts(doc)) {
          continue;
        }
        visited++;
        float score =
            VectorSimilarityFunction.DOT_PRODUCT.compare(query, values.vectorValue(it.index()));
        if (best.size() < k) {
          best.add(new ScoreDoc(leaf.docBase + doc, score));
        } else if (score > best.peek().score) {
          best.poll();
          best.add(new ScoreDoc(leaf.docBase + doc, score));
        }
      }
    }
    ScoreDoc[] docs = new ScoreDoc[best.size()];
    for (int i = docs.length - 1; i >= 0; i--) {
      docs[i] = best.poll();
    }
    return new TopDocs(new TotalHits(visited, TotalHits.Relation.EQUAL_TO), docs);
  }
}
