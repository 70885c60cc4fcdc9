package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastRunCommitDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelManifest MODEL =
      new ModelManifest("tiny", Optional.empty(), 8, "clip(224)", "cpu fp32");

  @TempDir Path dir;

  private static LastRun run() {
    Map<String, Long> skipped = new LinkedHashMap<>();
    skipped.put("not-an-image", 2L);
    skipped.put("corrupt", 1L);
    return new LastRun(Instant.parse("2026-03-04T05:06:07Z"), 3, 4, 5, 6, skipped, 1.25);
  }

  @Test
  void last_run_is_stored_as_a_typed_json_object() throws Exception {
    JsonNode stored =
        JSON.readTree(
            CommitData.encode(
                    CommitData.SCHEMA_VERSION,
                    Optional.of(MODEL),
                    Optional.of(run()),
                    Roots.NONE,
                    Optional.empty())
                .get(CommitData.LAST_RUN_KEY));
    assertEquals("2026-03-04T05:06:07Z", stored.get("finished").textValue());
    assertTrue(stored.get("indexed").isIntegralNumber());
    assertEquals(3, stored.get("indexed").longValue());
    assertEquals(4, stored.get("unchanged").longValue());
    assertEquals(5, stored.get("reused").longValue());
    assertEquals(6, stored.get("removed").longValue());
    assertTrue(stored.get("seconds").isFloatingPointNumber());
    assertEquals(1.25, stored.get("seconds").doubleValue());
    assertEquals(List.of("not-an-image", "corrupt"), fieldNames(stored.get("skipped")));
    assertEquals(2, stored.get("skipped").get("not-an-image").longValue());
    assertEquals(
        List.of("finished", "indexed", "unchanged", "reused", "removed", "skipped", "seconds"),
        fieldNames(stored));
  }

  @Test
  void typed_last_run_reads_back_equal() throws Exception {
    Map<String, String> data =
        CommitData.encode(
            CommitData.SCHEMA_VERSION,
            Optional.empty(),
            Optional.of(run()),
            Roots.NONE,
            Optional.empty());
    assertEquals(Optional.of(run()), CommitData.lastRun(data));
    assertEquals(Optional.empty(), CommitData.lastRun(Map.of()));
  }

  @Test
  void old_string_map_form_is_converted() throws Exception {
    String old =
        "{\"lastRunFinished\":\"2026-03-04T05:06:07.123456Z\",\"lastRunIndexed\":\"3\","
            + "\"lastRunUnchanged\":\"4\",\"lastRunReused\":\"5\",\"lastRunRemoved\":\"6\","
            + "\"lastRunSeconds\":\"1.2\",\"lastRunSkipped\":\"not-an-image=2,corrupt=1\"}";
    LastRun converted = CommitData.lastRun(Map.of(CommitData.LAST_RUN_KEY, old)).orElseThrow();
    assertEquals(
        new LastRun(Instant.parse("2026-03-04T05:06:07Z"), 3, 4, 5, 6, run().skipped(), 1.2),
        converted);
    assertEquals(List.of("not-an-image", "corrupt"), List.copyOf(converted.skipped().keySet()));
    String noSkips =
        "{\"lastRunFinished\":\"2026-03-04T05:06:07Z\",\"lastRunIndexed\":\"1\","
            + "\"lastRunSkipped\":\"\"}";
    assertEquals(
        Map.of(),
        CommitData.lastRun(Map.of(CommitData.LAST_RUN_KEY, noSkips)).orElseThrow().skipped());
  }

  @Test
  void an_index_written_with_the_old_form_opens_and_reports_its_last_run() throws Exception {
    try (var directory = FSDirectory.open(dir);
        var writer = new IndexWriter(directory, new IndexWriterConfig())) {
      writer.setLiveCommitData(
          Map.of(
                  CommitData.SCHEMA_KEY,
                  "1",
                  CommitData.MODEL_KEY,
                  "{\"modelId\":\"tiny\",\"dimension\":\"8\",\"preprocess\":\"clip(224)\","
                      + "\"precision\":\"cpu fp32\"}",
                  CommitData.LAST_RUN_KEY,
                  "{\"lastRunFinished\":\"2026-03-04T05:06:07Z\",\"lastRunIndexed\":\"30\","
                      + "\"lastRunUnchanged\":\"0\",\"lastRunReused\":\"0\","
                      + "\"lastRunRemoved\":\"0\",\"lastRunSeconds\":\"4.0\","
                      + "\"lastRunSkipped\":\"empty=1\"}")
              .entrySet());
      writer.commit();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertEquals(
          Optional.of(
              new LastRun(
                  Instant.parse("2026-03-04T05:06:07Z"), 30, 0, 0, 0, Map.of("empty", 1L), 4.0)),
          store.stats().lastRun());
    }
  }

  /**
   * The old store API took any map of strings; one without a finish time (as some older indexes
   * have, e.g. the checked-in schema-1 fixture) tells of no run and must not make the index
   * unreadable.
   */
  @Test
  void an_old_form_without_a_finish_time_reads_as_no_last_run() throws Exception {
    assertEquals(
        Optional.empty(),
        CommitData.lastRun(Map.of(CommitData.LAST_RUN_KEY, "{\"lastRunIndexed\":\"3\"}")));
  }

  @Test
  void malformed_last_run_is_an_index_error_that_quotes_it() {
    for (String bad :
        List.of(
            "[1]",
            "{\"finished\":\"yesterday\",\"indexed\":1,\"seconds\":1}",
            "{\"finished\":\"2026-03-04T05:06:07Z\",\"indexed\":\"x\",\"seconds\":1}",
            "{\"finished\":\"2026-03-04T05:06:07Z\",\"indexed\":1,\"seconds\":\"1\"}",
            "{\"lastRunFinished\":\"2026-03-04T05:06:07Z\",\"lastRunSkipped\":\"corrupt\"}")) {
      IndexException e =
          assertThrows(
              IndexException.class,
              () -> CommitData.lastRun(Map.of(CommitData.LAST_RUN_KEY, bad)),
              bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }
}
