package dev.glimpse.core.relevance;

import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchHit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RelevantSearch} whose hits that show the same picture are collapsed into groups, for the
 * API and the CLI alike: {@code offset} and {@code k} count groups, not hits, so pages stay
 * consistent. Hits are collapsed in score order (near-duplicates score alike and so rank together),
 * then the groups are put in the requested order by their heads. By relevance each page searches
 * from the top for {@code offset + k + 1} groups plus {@value #SLACK} hits, widening while
 * collapsing leaves too few; by date the whole set (the relevant hits, or the best {@code
 * maxWindow}) is collapsed, since any hit may sort first. A copy ranked beyond the hits fetched is
 * not counted.
 */
public final class CollapsedSearch {
  /** Hits fetched beyond the page, so that the last groups on it gather their copies. */
  public static final int SLACK = 50;

  private CollapsedSearch() {}

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
   * A group of hits that show the same picture.
   *
   * @param head the hit shown, labelled by the cut-off
   * @param duplicates the hits it stands for, in score order
   */
  public record Group(LabelledHit head, List<SearchHit> duplicates) {
    /** Copies the list. */
    public Group {
      Objects.requireNonNull(head, "head");
      duplicates = List.copyOf(duplicates);
    }
  }

  /**
   * A page of groups.
   *
   * @param groups the groups on the page, in the requested order
   * @param hasMore whether a later page has groups
   * @param found the search the groups came from, for its counts and cut-off verdict
   */
  public record Page(List<Group> groups, boolean hasMore, RelevantSearch.Page found) {}

  /**
   * Runs a search.
   *
   * @param source the index
   * @param query L2-normalised query vector
   * @param request page, filter, cut-off and order; {@code k} and {@code offset} count groups
   * @param collapse how to collapse, or null to keep every hit as its own group
   * @param maxWindow the deepest hit the source serves
   * @return the page
   * @throws IOException if the index cannot be read
   */
  public static Page search(
      RelevantSearch.Source source,
      float[] query,
      RelevantSearch.Request request,
      Collapse collapse,
      int maxWindow)
      throws IOException {
    if (collapse == null) {
      RelevantSearch.Page found = RelevantSearch.search(source, query, request, maxWindow);
      List<Group> groups = new ArrayList<>(found.hits().size());
      for (LabelledHit h : found.hits()) {
        groups.add(new Group(h, List.of()));
      }
      return new Page(groups, found.hasMore(), found);
    }
    int wanted = request.offset() + request.k() + 1;
    int window =
        request.order() == HitOrder.RELEVANCE ? Math.min(maxWindow, wanted + SLACK) : maxWindow;
    while (true) {
      RelevantSearch.Page found =
          RelevantSearch.search(
              source,
              query,
              new RelevantSearch.Request(
                  window, 0, request.filter(), request.cutoff(), HitOrder.RELEVANCE),
              maxWindow);
      Map<String, LabelledHit> labelled = new HashMap<>();
      List<SearchHit> hits = new ArrayList<>(found.hits().size());
      for (LabelledHit h : found.hits()) {
        labelled.put(h.hit().record().id(), h);
        hits.add(h.hit());
      }
      List<Group> groups = new ArrayList<>();
      for (NearDuplicates.Group g : collapse.collapser().collapse(hits, collapse.vectors())) {
        groups.add(new Group(labelled.get(g.head().record().id()), g.duplicates()));
      }
      groups.sort((a, b) -> request.order().comparator().compare(a.head(), b.head()));
      if (groups.size() >= wanted || !found.hasMore() || window >= maxWindow) {
        int from = Math.min(request.offset(), groups.size());
        int to = Math.min(request.offset() + request.k(), groups.size());
        return new Page(
            List.copyOf(groups.subList(from, to)),
            groups.size() > request.offset() + request.k(),
            found);
      }
      window = Math.min(maxWindow, window * 2);
    }
  }
}
