package dev.glimpse.cli;

import dev.glimpse.core.index.DuplicateThreshold;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import java.io.IOException;
import java.util.List;

/**
 * A page of search results with duplicates collapsed, as the API pages them: offset and k count
 * groups; the page is cut from the top {@code offset + k} groups, fetched with some slack.
 */
final class CollapsedSearch {
  private static final int SLACK = 50;

  private CollapsedSearch() {}

  static List<NearDuplicates.Group> search(
      LuceneVectorStore store,
      float[] query,
      int k,
      int offset,
      SearchFilter filter,
      boolean collapse)
      throws IOException {
    if (!collapse) {
      return store.search(query, k, offset, filter).stream()
          .map(h -> new NearDuplicates.Group(h, List.of()))
          .toList();
    }
    NearDuplicates collapser =
        new NearDuplicates(DuplicateThreshold.of(store.sampleVectors(DuplicateThreshold.SAMPLE)));
    int window = Math.min(LuceneVectorStore.MAX_WINDOW, offset + k + SLACK);
    while (true) {
      List<SearchHit> hits = store.search(query, window, 0, filter);
      List<NearDuplicates.Group> groups =
          collapser.collapse(hits, id -> store.vector(id).orElse(null));
      if (groups.size() >= offset + k
          || hits.size() < window
          || window >= LuceneVectorStore.MAX_WINDOW) {
        return groups.subList(Math.min(offset, groups.size()), Math.min(offset + k, groups.size()));
      }
      window = Math.min(LuceneVectorStore.MAX_WINDOW, window * 2);
    }
  }
}
