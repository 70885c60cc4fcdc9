package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hits whose files are gone, and swapping the served index and model while sessions are open. */
class ServiceLifecycleTest {
  @TempDir Path tmp;

  private static ApiConfig config() {
    return ApiConfig.forHost("127.0.0.1", Optional.empty());
  }

  @Test
  void hits_whose_file_is_gone_are_left_out_reported_and_the_page_refilled() throws Exception {
    Path photos =
        TestIndex.copy(
            tmp.resolve("photos"),
            "food-pizza.jpg",
            "plant-flower.jpg",
            "city-bridge-at-night.jpg",
            "food-broccoli-dish.jpg");
    try (ClipModel model = TestIndex.tinyModel()) {
      TestIndex.index(model, tmp.resolve("index"), List.of(photos));
      try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(tmp.resolve("index"))) {
        SearchService service = new SearchService(store, model, config());
        float[] q = service.textVector("a photo");
        List<SearchHit> all = service.search(q, 4, 0, SearchFilter.NONE);
        assertEquals(4, all.size());
        String gone = all.get(0).record().path();
        Files.delete(Path.of(gone));
        List<String> reported = new ArrayList<>();
        service.onStaleFile(reported::add);

        List<SearchHit> top2 = service.search(q, 2, 0, SearchFilter.NONE);
        assertEquals(2, top2.size(), "the page is refilled from further down");
        assertEquals(all.get(1).record().path(), top2.get(0).record().path());
        assertEquals(all.get(2).record().path(), top2.get(1).record().path());
        assertEquals(List.of(gone), reported);
        List<SearchHit> rest = service.search(q, 10, 0, SearchFilter.NONE);
        assertEquals(3, rest.size());
        assertTrue(rest.stream().noneMatch(h -> h.record().path().equals(gone)));
        assertEquals(2, service.staleHits());
      }
    }
  }

  /** An index source whose current generation a test chooses. */
  private static final class Switchable implements IndexSource {
    final AtomicReference<String> current = new AtomicReference<>("a");
    final AtomicInteger closed = new AtomicInteger();
    final Path root;

    Switchable(Path root) {
      this.root = root;
    }

    @Override
    public Opened openCurrent() throws IOException {
      String name = current.get();
      LuceneVectorStore store = LuceneVectorStore.openReadOnly(root.resolve(name));
      ClipModel model;
      try {
        model = TestIndex.tinyModel();
      } catch (Exception e) {
        store.close();
        throw new IOException(e);
      }
      return new Opened(
          name,
          store,
          model,
          () -> {
            try (store) {
              model.close();
            }
            closed.incrementAndGet();
          });
    }

    @Override
    public boolean isCurrent(String generation) {
      return current.get().equals(generation);
    }
  }

  @Test
  void a_switch_swaps_the_pair_and_closes_the_old_one_after_its_last_session() throws Exception {
    try (ClipModel model = TestIndex.tinyModel()) {
      TestIndex.index(
          model,
          tmp.resolve("gens").resolve("a"),
          List.of(TestIndex.copy(tmp.resolve("pa"), "food-pizza.jpg")));
      TestIndex.index(
          model,
          tmp.resolve("gens").resolve("b"),
          List.of(TestIndex.copy(tmp.resolve("pb"), "plant-flower.jpg", "food-pizza.jpg")));
    }
    Switchable source = new Switchable(tmp.resolve("gens"));
    SearchService service = SearchService.following(source, config());
    assertFalse(service.refresh(), "nothing changed");
    assertEquals(1, service.stats().images());

    SearchService.Session open = service.session();
    source.current.set("b");
    assertTrue(service.refresh(), "the switch is picked up");
    assertEquals(2, service.stats().images(), "new sessions see generation b");
    try (SearchService.Session now = service.session()) {
      assertEquals("b", now.generation());
    }
    // The session opened before the switch still works on generation a, which stays open.
    assertEquals("a", open.generation());
    assertEquals(1, open.stats().images());
    float[] q = open.textVector("pizza");
    assertEquals(1, open.search(q, 5, 0, SearchFilter.NONE).size());
    assertEquals(0, source.closed.get(), "not closed while a session uses it");
    open.close();
    assertEquals(1, source.closed.get(), "closed once its last session ended");

    service.close();
    assertEquals(2, source.closed.get());
    assertThrows(IllegalStateException.class, service::session);
  }
}
