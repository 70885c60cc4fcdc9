package dev.glimpse.core.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.Weight;

/**
 * Exact nearest neighbours in two steps: every live vector that passes the filter is scored with an
 * int8 dot product on its {@link QuantizedSegment} copy (a quarter of the memory traffic of the
 * floats), the best {@code candidates} are rescored with the float vectors, and the best {@code k}
 * of those are returned with the same similarity and score scale as Lucene's KNN query.
 *
 * <p>Quantization only decides which vectors are rescored: a true top-k vector is lost only if more
 * than {@code candidates - k} others overtake it through rounding error. At 512 dimensions the int8
 * error of a dot product is a few thousandths, much less than the gap between the k-th and the
 * few-hundredth best score, so the result equals the float scan's (see docs/benchmarks.md).
 */
final class QuantizedExactSearch {
  private static final Int8Dot INT8 = Int8Dot.best();

  private QuantizedExactSearch() {}

  /**
   * @param segments the int8 copies, built on first use
   * @param candidates how many of the best int8 scores to rescore, at least {@code k}
   */
  static TopDocs search(
      IndexSearcher searcher,
      QuantizedSegments segments,
      String field,
      float[] query,
      int k,
      int candidates,
      Optional<Query> filter)
      throws IOException {
    Weight filterWeight = AcceptedDocs.filterWeight(searcher, filter);
    float queryScale = QuantizedSegment.scaleFor(QuantizedSegment.maxAbs(query));
    byte[] q = QuantizedSegment.quantize(query, queryScale);
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    FloatVectorValues[] floats = new FloatVectorValues[leaves.size()];
    QuantizedSegment[] copies = new QuantizedSegment[leaves.size()];
    Candidates best = new Candidates(Math.max(k, candidates));
    long visited = 0;
    for (int l = 0; l < leaves.size(); l++) {
      LeafReaderContext leaf = leaves.get(l);
      FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
      if (values == null || values.size() == 0) {
        continue;
      }
      floats[l] = values;
      Optional<AcceptedDocs> accepted = AcceptedDocs.of(leaf, filterWeight);
      if (accepted.isEmpty()) {
        continue;
      }
      QuantizedSegment copy = segments.of(leaf.reader(), values);
      copies[l] = copy;
      float toFloat = 1f / (copy.scale() * queryScale);
      byte[] bytes = copy.vectors();
      for (int ord = 0, n = copy.size(); ord < n; ord++) {
        if (!accepted.get().accepts(copy.doc(ord))) {
          continue;
        }
        visited++;
        best.offer(INT8.dot(q, bytes, copy.offset(ord)) * toFloat, l, ord);
      }
    }
    ScoreDoc[] rescored = new ScoreDoc[best.size()];
    for (int i = 0; i < rescored.length; i++) {
      int l = best.leaf(i);
      int ord = best.ord(i);
      float score = VectorSimilarityFunction.DOT_PRODUCT.compare(query, floats[l].vectorValue(ord));
      rescored[i] = new ScoreDoc(leaves.get(l).docBase + copies[l].doc(ord), score);
    }
    Arrays.sort(
        rescored,
        (a, b) ->
            a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
    return new TopDocs(
        new TotalHits(visited, TotalHits.Relation.EQUAL_TO),
        Arrays.copyOf(rescored, Math.min(k, rescored.length)));
  }

  /** The best approximate scores so far: a min-heap on parallel arrays, no object per vector. */
  private static final class Candidates {
    private final float[] scores;
    private final long[] ids;
    private int size;

    Candidates(int capacity) {
      scores = new float[capacity];
      ids = new long[capacity];
    }

    void offer(float score, int leaf, int ord) {
      if (size < scores.length) {
        int i = size++;
        scores[i] = score;
        ids[i] = ((long) leaf << 32) | ord;
        siftUp(i);
      } else if (score > scores[0]) {
        scores[0] = score;
        ids[0] = ((long) leaf << 32) | ord;
        siftDown(0);
      }
    }

    int size() {
      return size;
    }

    int leaf(int i) {
      return (int) (ids[i] >>> 32);
    }

    int ord(int i) {
      return (int) ids[i];
    }

    private void siftUp(int i) {
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (scores[parent] <= scores[i]) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void siftDown(int i) {
      while (true) {
        int smallest = i;
        int left = 2 * i + 1;
        int right = left + 1;
        if (left < size && scores[left] < scores[smallest]) {
          smallest = left;
        }
        if (right < size && scores[right] < scores[smallest]) {
          smallest = right;
        }
        if (smallest == i) {
          return;
        }
        swap(i, smallest);
        i = smallest;
      }
    }

    private void swap(int a, int b) {
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
      long id = ids[a];
      ids[a] = ids[b];
      ids[b] = id;
    }
  }
}
