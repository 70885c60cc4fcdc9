package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code glimpse search --cutoff --sort} over a real index of the 30 sample photos. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchCutoffCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private Path index;
  private int photos;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  @BeforeAll
  void index() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("photos"));
    try (Stream<Path> s = Files.list(Path.of("..", "samples", "photos"))) {
      long day = 0;
      for (Path p : s.sorted().toList()) {
        Path copy = Files.copy(p, dir.resolve(p.getFileName()));
        // distinct file times for the photos without an EXIF date
        Files.setLastModifiedTime(
            copy, FileTime.from(Instant.parse("2016-01-01T00:00:00Z").plusSeconds(86_400 * day++)));
        photos++;
      }
    }
    index = tmp.resolve("index");
    Cli.Result r =
        Cli.run(
            env(),
            "index",
            dir.toString(),
            "--index",
            index.toString(),
            "--model",
            Cli.fixture("tiny-clip-hf").toString());
    assertEquals(0, r.exitCode(), r.err());
  }

  private Cli.Result search(String... extra) {
    List<String> args = new ArrayList<>(List.of("search", "a kayak", "--index", index.toString()));
    args.addAll(List.of(extra));
    return Cli.run(env(), args.toArray(String[]::new));
  }

  @Test
  void text_output_starts_with_the_counts_and_labels_every_line() {
    Cli.Result r = search("--cutoff", "none", "-k", "50");
    assertEquals(0, r.exitCode(), r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(
        lines.get(0).matches("(no good match: \\d+ weak|\\d+ strong, \\d+ weak), \\d+ below"),
        lines.get(0));
    assertEquals(photos, lines.size() - 1);
    for (String line : lines.subList(1, lines.size())) {
      assertTrue(line.matches("(strong|weak  |below ) {2}-?\\d\\.\\d{4} {2}/.*"), line);
    }
  }

  @Test
  void json_has_counts_that_cover_the_index_and_auto_keeps_only_strong_and_weak()
      throws IOException {
    JsonNode none = JSON.readTree(search("--cutoff", "none", "-k", "100", "--json").out());
    JsonNode counts = none.get("counts");
    assertEquals(
        photos,
        counts.get("strong").asInt() + counts.get("weak").asInt() + counts.get("below").asInt());
    assertEquals(photos, none.get("results").size());
    assertEquals("none", none.get("cutoff").asText());
    JsonNode auto = JSON.readTree(search("-k", "100", "--json").out());
    assertEquals("auto", auto.get("cutoff").asText());
    assertEquals(counts, auto.get("counts"));
    assertEquals(counts.get("strong").asInt() == 0, auto.get("noGoodMatch").asBoolean());
    assertEquals(
        counts.get("strong").asInt() + counts.get("weak").asInt(), auto.get("results").size());
    for (JsonNode h : auto.get("results")) {
      assertFalse(h.get("relevance").asText().equals("below"), h.toString());
      assertTrue(h.get("z").isNumber() && h.get("eValue").isNumber(), h.toString());
    }
  }

  @Test
  void sort_date_lists_newest_first() throws Exception {
    JsonNode page =
        JSON.readTree(search("--cutoff", "none", "--sort", "date", "-k", "100", "--json").out());
    assertEquals("date", page.get("sort").asText());
    List<Instant> dates = new ArrayList<>();
    try (LuceneVectorStore store = IndexOption.openExisting(index)) {
      for (JsonNode h : page.get("results")) {
        ImageRecord r = store.getById(h.get("id").asText()).orElseThrow();
        dates.add(r.metadata().takenAt().orElse(Instant.ofEpochMilli(r.mtime())));
      }
    }
    assertEquals(photos, dates.size());
    for (int i = 1; i < dates.size(); i++) {
      assertFalse(dates.get(i).isAfter(dates.get(i - 1)), "newest first at " + i + ": " + dates);
    }
  }

  @Test
  void a_bad_cutoff_or_sort_is_a_usage_error_naming_the_choices() {
    Cli.Result r = search("--cutoff", "maybe");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("auto or none"), r.err());
    r = search("--sort", "size");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("date-asc"), r.err());
  }
}
