package dev.glimpse.core.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the groups of duplicate photos across a whole index: photos whose vectors have a cosine of
 * at least the threshold (which includes identical content: its vector is shared).
 *
 * <p>Cost: one HNSW search per photo for its {@value #NEIGHBOURS} nearest neighbours ({@value
 * #CANDIDATES} candidates explored), i.e. {@code n} searches of {@code O(log n)} each, never the
 * {@code n^2} pairs; 100,000 photos take about as long as 100,000 searches (a few minutes on one
 * core). A photo with more than {@value #NEIGHBOURS} copies still joins one group, since its copies
 * find each other. Groups are the connected components of "is a duplicate of".
 */
public final class DuplicateFinder {
  /** Neighbours looked at per photo. */
  public static final int NEIGHBOURS = 16;

  /** HNSW candidates explored per search. */
  public static final int CANDIDATES = 64;

  private DuplicateFinder() {}

  /**
   * One group of duplicates.
   *
   * @param images the photos, best-known first (by path)
   */
  public record Group(List<ImageRecord> images) {
    /** Copies the list. */
    public Group {
      images = List.copyOf(images);
    }
  }

  /**
   * Finds every group of two or more duplicates.
   *
   * @param store the index
   * @param threshold the cosine at or above which two photos are duplicates
   * @return the groups, largest first, then by first path
   * @throws IOException if the index cannot be read
   */
  public static List<Group> find(LuceneVectorStore store, float threshold) throws IOException {
    Map<String, String> parent = new HashMap<>();
    Map<String, ImageRecord> records = new HashMap<>();
    SearchFilter filter = SearchFilter.NONE.withMinScore(threshold);
    IOException[] failure = new IOException[1];
    store.forEachVector(
        (id, vector) -> {
          if (failure[0] != null) {
            return;
          }
          try {
            for (SearchHit h : store.search(vector, NEIGHBOURS, 0, filter, CANDIDATES)) {
              records.put(h.record().id(), h.record());
              if (!h.record().id().equals(id)) {
                union(parent, id, h.record().id());
              }
            }
          } catch (IOException e) {
            failure[0] = e;
          }
        });
    if (failure[0] != null) {
      throw failure[0];
    }
    Map<String, List<ImageRecord>> byRoot = new HashMap<>();
    for (String id : parent.keySet()) {
      ImageRecord r = records.get(id);
      if (r != null) {
        byRoot.computeIfAbsent(find(parent, id), x -> new ArrayList<>()).add(r);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (List<ImageRecord> members : byRoot.values()) {
      if (members.size() > 1) {
        members.sort(Comparator.comparing(ImageRecord::path));
        groups.add(new Group(members));
      }
    }
    groups.sort(
        Comparator.comparingInt((Group g) -> -g.images().size())
            .thenComparing(g -> g.images().get(0).path()));
    return groups;
  }

  private static String find(Map<String, String> parent, String id) {
    String root = id;
    while (!parent.get(root).equals(root)) {
      root = parent.get(root);
    }
    for (String x = id; !x.equals(root); ) {
      String next = parent.get(x);
      parent.put(x, root);
      x = next;
    }
    return root;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    parent.putIfAbsent(a, a);
    parent.putIfAbsent(b, b);
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
    }
  }
}
