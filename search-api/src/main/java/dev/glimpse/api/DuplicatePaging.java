package dev.glimpse.api;

import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import java.io.IOException;
import java.util.List;

/**
 * Pages of search results with duplicates collapsed: {@code offset} and {@code k} count groups, not
 * hits, so pages stay consistent. Each page searches from the top, for {@code offset + k + 1}
 * groups plus {@value #SLACK} hits, widening while collapsing leaves too few; near-duplicates score
 * alike and so rank together, but a copy ranked beyond the hits fetched is not counted.
 */
final class DuplicatePaging {
  /** Hits fetched beyond the page, so that the last groups on it gather their copies. */
  static final int SLACK = 50;

  private DuplicatePaging() {}

  /**
   * A page of groups.
   *
   * @param groups the groups on the page, best first
   * @param hasMore whether a later page has groups
   */
  record Page(List<NearDuplicates.Group> groups, boolean hasMore) {}

  static Page page(
      SearchService.Session session, float[] vector, int k, int offset, SearchFilter filter)
      throws IOException {
    NearDuplicates collapser = new NearDuplicates(session.duplicateThreshold());
    int wanted = offset + k + 1;
    int window = Math.min(Params.MAX_WINDOW, wanted + SLACK);
    while (true) {
      List<SearchHit> hits = session.search(vector, window, 0, filter);
      List<NearDuplicates.Group> groups = collapser.collapse(hits, session::vectorOrNull);
      boolean exhausted = hits.size() < window || window >= Params.MAX_WINDOW;
      if (groups.size() >= wanted || exhausted) {
        int from = Math.min(offset, groups.size());
        int to = Math.min(offset + k, groups.size());
        return new Page(groups.subList(from, to), groups.size() > offset + k);
      }
      window = Math.min(Params.MAX_WINDOW, window * 2);
    }
  }
}
