package dev.glimpse.core.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Weight;

/**
 * A query's score of every image that passes a filter, for the relevance cut-off. On indexes the
 * exact search covers, every image is scored through the int8 copies the exact search already holds
 * (a second pass as cheap as its first step); on larger ones a uniform sample of the float vectors
 * is scored (every n-th accepted document), which locates the background just as well.
 */
final class ScoreScan {
  private static final Int8Dot INT8 = Int8Dot.best();

  private ScoreScan() {}

  /**
   * @param segments the int8 copies to score every image with, or null to sample the floats
   * @param sampleSize how many float vectors to score at most when sampling
   */
  static ScoreSample scan(
      IndexSearcher searcher,
      QuantizedSegments segments,
      String field,
      float[] query,
      Optional<Query> filter,
      int sampleSize)
      throws IOException {
    Weight filterWeight = AcceptedDocs.filterWeight(searcher, filter);
    int stride =
        segments != null
            ? 1
            : Math.max(
                1, (int) Math.ceil(searcher.getIndexReader().numDocs() / (double) sampleSize));
    float queryScale = QuantizedSegment.scaleFor(QuantizedSegment.maxAbs(query));
    byte[] q = QuantizedSegment.quantize(query, queryScale);
    float[] scores = new float[segments != null ? 1024 : sampleSize];
    int n = 0;
    long population = 0;
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
      if (values == null || values.size() == 0) {
        continue;
      }
      Optional<AcceptedDocs> accepted = AcceptedDocs.of(leaf, filterWeight);
      if (accepted.isEmpty()) {
        continue;
      }
      if (segments != null) {
        QuantizedSegment copy = segments.of(leaf.reader(), values);
        float toFloat = 1f / (copy.scale() * queryScale);
        byte[] bytes = copy.vectors();
        for (int ord = 0, size = copy.size(); ord < size; ord++) {
          if (!accepted.get().accepts(copy.doc(ord))) {
            continue;
          }
          population++;
          if (n == scores.length) {
            scores = Arrays.copyOf(scores, scores.length * 2);
          }
          scores[n++] = INT8.dot(q, bytes, copy.offset(ord)) * toFloat;
        }
      } else {
        KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if (!accepted.get().accepts(doc)) {
            continue;
          }
          if (population++ % stride == 0 && n < scores.length) {
            scores[n++] =
                VectorSimilarityFunction.DOT_PRODUCT.compare(query, values.vectorValue(it.index()));
          }
        }
      }
    }
    // Lucene's DOT_PRODUCT score is (1 + dot) / 2; the sample is in cosine units like SearchHit.
    if (segments == null) {
      for (int i = 0; i < n; i++) {
        scores[i] = IndexSchema.cosine(scores[i]);
      }
    }
    return new ScoreSample(Arrays.copyOf(scores, n), population);
  }
}
