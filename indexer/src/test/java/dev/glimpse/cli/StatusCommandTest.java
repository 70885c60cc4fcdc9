package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.docs.DocExamples;
import dev.glimpse.core.hub.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glimpse status}: the last run as typed JSON, as docs/cli.md shows it. */
class StatusCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void status_reports_the_last_run_typed_and_as_documented() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    for (String n : List.of("animal-two-cats.jpg", "city-pagoda-china.jpg")) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    Files.writeString(photos.resolve("readme.txt"), "not a photo");
    Path index = tmp.resolve("index");
    try (FakeHub hub = FakeHub.start()) {
      // The default model id, served from the tiny fixture: the index records a hub revision.
      hub.addFixtureRepo("openai/clip-vit-base-patch32", Cli.fixture("tiny-clip-hf"));
      Map<String, String> env =
          Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", hub.endpoint().toString());
      Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Cli.Result run = Cli.run(env, "index", photos.toString(), "--index", index.toString());
      assertEquals(0, run.exitCode(), run.err());
      Instant after = Instant.now();

      Cli.Result status = Cli.run(env, "status", "--index", index.toString(), "--json");
      assertEquals(0, status.exitCode(), status.err());
      JsonNode st = JSON.readTree(status.out());
      JsonNode last = st.get("lastRun");
      assertTrue(last.get("indexed").isIntegralNumber(), last.toString());
      assertEquals(2, last.get("indexed").longValue());
      assertEquals(0, last.get("unchanged").longValue());
      assertEquals(0, last.get("reused").longValue());
      assertEquals(0, last.get("removed").longValue());
      assertEquals(JSON.readTree("{\"not-an-image\":1}"), last.get("skipped"));
      assertTrue(last.get("seconds").isNumber(), last.toString());
      assertTrue(last.get("seconds").doubleValue() >= 0);
      Instant finished = Instant.parse(last.get("finished").asText());
      assertFalse(finished.isBefore(before) || finished.isAfter(after), last.toString());
      assertEquals(
          List.of("finished", "indexed", "unchanged", "reused", "removed", "skipped", "seconds"),
          last.properties().stream().map(Map.Entry::getKey).toList());

      String documented =
          DocExamples.jsonAfter(DocExamples.docs().resolve("cli.md"), "## `glimpse status`");
      DocExamples.assertSameShape(documented, st, Map.of("skipped", "integer"), Set.of());
      // The example is laid out as the command prints it.
      assertEquals(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(documented)),
          documented.strip());
      assertEquals(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(st), status.out().strip());

      Cli.Result text = Cli.run(env, "status", "--index", index.toString());
      assertEquals(0, text.exitCode(), text.err());
      assertTrue(
          text.out()
              .contains(
                  "last run:  "
                      + finished
                      + ": 2 indexed, 0 unchanged, 0 reused, 0 removed, 1 skipped"
                      + " (not-an-image 1) in "),
          text.out());
    }
  }
}
