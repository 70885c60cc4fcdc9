package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index written before Glimpse read words keeps working, without words, until re-indexed. */
class LegacyWordsTest {
  @TempDir Path tmp;

  private Path legacyIndex() throws Exception {
    Path copy = Files.createDirectories(tmp.resolve("legacy"));
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/legacy-index-v1"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().endsWith(".md")) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    return copy;
  }

  @Test
  void an_old_index_has_no_words_searches_by_vector_and_gets_words_when_an_image_is_rewritten()
      throws Exception {
    Path dir = legacyIndex();
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(8))) {
      assertEquals(4, store.stats().images());
      assertEquals(0, store.imagesWithWords());
      ImageRecord a = store.getByPath("/legacy/photos/2019/a.jpg").orElseThrow();
      assertEquals(Optional.empty(), a.metadata().words(), "never read, not empty");
      WordQuery trip = new WordQuery(List.of("a"), List.of());
      assertEquals(List.of(), store.searchWords(trip, 10, SearchFilter.NONE));
      float[] axis0 = new float[8];
      axis0[0] = 1;
      assertEquals(a.id(), store.search(axis0, 1, 0, SearchFilter.NONE).get(0).record().id());

      // what the indexer does for such an image: the same record, with its words read now
      store.upsert(
          new ImageRecord(
              a.id(),
              a.path(),
              a.folder(),
              a.size(),
              a.mtime(),
              a.hash(),
              a.metadata().withWords(new PhotoWords(List.of("kayak"), List.of(), List.of()))),
          axis0);
      store.commit();
      assertEquals(1, store.imagesWithWords());
      List<WordHit> hits =
          store.searchWords(new WordQuery(List.of("kayaks"), List.of()), 10, SearchFilter.NONE);
      assertEquals(1, hits.size());
      assertTrue(hits.get(0).matched().contains(WordSource.KEYWORDS));
    }
  }
}
