package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse index --reindex} as a model switch: built beside the current generation, made
 * current atomically, never losing the old index on failure or crash, followed by a running server.
 */
class ReindexLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PHOTOS = 12;
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static String modelA() {
    return Cli.fixture("tiny-clip-hf").toString();
  }

  private static String modelB() {
    return Cli.fixture("tiny-clip-openai").toString();
  }

  private Path photos() throws IOException {
    Path dir = tmp.resolve("photos");
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(dir);
    Path samples = Path.of("..", "samples", "photos").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path f : files.sorted().limit(PHOTOS).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private Path indexWithModelA() throws IOException {
    Path index = tmp.resolve("index");
    Cli.Result r =
        Cli.run(
            env(), "index", photos().toString(), "--index", index.toString(), "--model", modelA());
    assertEquals(0, r.exitCode(), r.err());
    return index;
  }

  /** {@code glimpse index PHOTOS --index INDEX --reindex --model B [EXTRA...]}, in-process. */
  private Cli.Result reindexToB(Path index, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "index",
                photos().toString(),
                "--index",
                index.toString(),
                "--reindex",
                "--model",
                modelB()));
    args.addAll(List.of(extra));
    return Cli.run(env(), args.toArray(String[]::new));
  }

  private JsonNode status(Path index) throws IOException {
    Cli.Result r = Cli.run(env(), "status", "--index", index.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  private List<String> searchIds(Path index, String query) throws IOException {
    Cli.Result r =
        Cli.run(
            env(),
            "search",
            query,
            "--index",
            index.toString(),
            "--json",
            "-k",
            "5",
            "--cutoff",
            "none");
    assertEquals(0, r.exitCode(), r.err());
    List<String> out = new ArrayList<>();
    JsonNode root = JSON.readTree(r.out());
    JsonNode hits = root.isArray() ? root : root.get("results");
    for (JsonNode h : hits) {
      out.add(h.get("path").asText() + " " + h.get("score").asText());
    }
    return out;
  }

  /** Every file under the index folder with its SHA-256, to compare byte for byte. */
  private static Map<String, String> fingerprint(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(digest));
      }
    }
    return out;
  }

  @Test
  void first_run_creates_a_generation_and_the_pointer() throws Exception {
    Path index = indexWithModelA();
    assertEquals("g1", Files.readString(index.resolve(IndexHome.POINTER)).strip());
    assertTrue(Files.isDirectory(index.resolve("g1")));
    JsonNode s = status(index);
    assertEquals("g1", s.get("generation").asText());
    assertEquals(PHOTOS, s.get("images").asInt());
    assertTrue(s.get("switch").isNull());
  }

  @Test
  void a_failed_reindex_leaves_the_old_index_byte_for_byte_usable() throws Exception {
    Path index = indexWithModelA();
    List<String> before = searchIds(index, "a dog on a beach");
    Map<String, String> files = fingerprint(index);
    Path notAModel = Files.createDirectories(tmp.resolve("not-a-model"));
    Files.writeString(notAModel.resolve("config.json"), "{\"model_type\": \"bert\"}");
    List<String[]> attempts =
        List.of(
            new String[] {"--model", tmp.resolve("no-such-folder").toString()}, // typo
            new String[] {"--model", notAModel.toString()}, // unsupported
            new String[] {"--model", "someone/some-clip"}); // the hub is unreachable (offline)
    for (String[] model : attempts) {
      List<String> args =
          new ArrayList<>(
              List.of("index", photos().toString(), "--index", index.toString(), "--reindex"));
      args.addAll(List.of(model));
      Cli.Result r = Cli.run(env(), args.toArray(String[]::new));
      assertNotEquals(0, r.exitCode(), "reindex with " + model[1] + " must fail: " + r.out());
      assertFalse(r.err().isBlank(), "a failure says why");
      assertEquals(files, fingerprint(index), "the index is untouched after " + model[1]);
      assertEquals(before, searchIds(index, "a dog on a beach"));
      assertEquals(PHOTOS, status(index).get("images").asInt());
    }
  }

  @Test
  void reindex_without_model_keeps_the_index_model_and_with_model_switches_generations()
      throws Exception {
    Path index = indexWithModelA();
    // Without --model: the index's own model, not the default (which is not reachable here).
    Cli.Result same =
        Cli.run(
            env(),
            "index",
            photos().toString(),
            "--index",
            index.toString(),
            "--reindex",
            "--json");
    assertEquals(0, same.exitCode(), same.err());
    JsonNode s1 = JSON.readTree(same.out());
    assertEquals(PHOTOS, s1.get("indexed").asInt(), "everything is re-encoded");
    assertTrue(s1.get("switched").asText().contains("from generation g1 to g2"), same.out());
    assertEquals(modelA(), status(index).get("model").asText());

    Cli.Result other = reindexToB(index, "--json");
    assertEquals(0, other.exitCode(), other.err());
    JsonNode st = status(index);
    assertEquals(modelB(), st.get("model").asText());
    assertEquals("g3", st.get("generation").asText());
    assertEquals(PHOTOS, st.get("images").asInt());
    try (Stream<Path> entries = Files.list(index)) {
      List<String> gens =
          entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of("g3"), gens, "old generations are removed after the switch");
    }
    // An incremental run afterwards finds everything unchanged in the new generation.
    Cli.Result again =
        Cli.run(env(), "index", photos().toString(), "--index", index.toString(), "--json");
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(PHOTOS, JSON.readTree(again.out()).get("unchanged").asInt());
  }

  @Test
  void a_reindex_without_folders_keeps_the_remembered_roots_and_options() throws Exception {
    Path photos = photos();
    Path hidden = Files.createDirectories(photos.resolve(".hidden"));
    Files.copy(
        Path.of("..", "samples", "photos", "food-pizza.jpg"), hidden.resolve("secret-pizza.jpg"));
    Path index = tmp.resolve("index");
    Cli.Result first =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            modelA(),
            "--include-hidden");
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(PHOTOS + 1, status(index).get("images").asInt());
    Cli.Result switched =
        Cli.run(env(), "index", "--index", index.toString(), "--reindex", "--model", modelB());
    assertEquals(0, switched.exitCode(), switched.err());
    JsonNode s = status(index);
    assertEquals(modelB(), s.get("model").asText());
    assertEquals(PHOTOS + 1, s.get("images").asInt(), "same roots, hidden photos kept");
    Cli.Result roots = Cli.run(env(), "roots", "--index", index.toString(), "--json");
    assertEquals(0, roots.exitCode(), roots.err());
    JsonNode list = JSON.readTree(roots.out()).get("roots");
    assertEquals(1, list.size(), roots.out());
    assertEquals(photos.toString(), list.get(0).get("resolved").asText());
    // the next plain run still includes hidden files: nothing to do
    Cli.Result again = Cli.run(env(), "index", "--index", index.toString(), "--json");
    assertEquals(0, again.exitCode(), again.err());
    JsonNode summary = JSON.readTree(again.out());
    assertEquals(PHOTOS + 1, summary.get("unchanged").asInt());
    assertEquals(0, summary.get("removed").asInt());
  }

  @Test
  void an_index_from_before_generations_is_switched_and_its_files_replaced() throws Exception {
    // An index of the old layout: Lucene's files in the --index folder itself.
    Path index = indexWithModelA();
    Path legacy = tmp.resolve("legacy");
    Files.createDirectories(legacy);
    try (Stream<Path> files = Files.list(index.resolve("g1"))) {
      for (Path f : files.toList()) {
        Files.copy(f, legacy.resolve(f.getFileName()));
      }
    }
    Files.writeString(legacy.resolve("my-notes.txt"), "not Glimpse's");
    assertEquals(PHOTOS, status(legacy).get("images").asInt());
    assertEquals(".", status(legacy).get("generation").asText());
    Cli.Result r =
        Cli.run(
            env(),
            "index",
            photos().toString(),
            "--index",
            legacy.toString(),
            "--reindex",
            "--model",
            modelB());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode s = status(legacy);
    assertEquals("g1", s.get("generation").asText());
    assertEquals(modelB(), s.get("model").asText());
    try (Stream<Path> files = Files.list(legacy)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().startsWith("segments")),
          "the legacy Lucene files are removed");
    }
    assertEquals("not Glimpse's", Files.readString(legacy.resolve("my-notes.txt")));
  }

  /**
   * The switch is killed at each of its critical instants (crash points halt the JVM there, as
   * SIGKILL would); each time the old generation or the complete new one is current and usable, and
   * the same --reindex run again finishes the switch.
   */
  @Test
  void a_reindex_killed_at_any_instant_of_the_switch_leaves_a_usable_index() throws Exception {
    Path pristine = indexWithModelA();
    List<String> before = searchIds(pristine, "a red bicycle");
    List<String> points =
        List.of(
            "switch-pending-written",
            "atomic-write-tmp-NEXT@2",
            "switch-before-pointer",
            "atomic-write-tmp-CURRENT",
            "switch-after-pointer",
            "switch-before-remove-old",
            "switch-removing-old@2");
    int n = 0;
    for (String point : points) {
      Path index = tmp.resolve("crash-" + n++);
      copyTree(pristine, index);
      Process child = child(index, point, List.of("--reindex", "--model", modelB()));
      if (!child.waitFor(120, TimeUnit.SECONDS)) {
        child.destroyForcibly(); // no child outlives the test
        throw new AssertionError("child did not stop at " + point);
      }
      assertEquals(86, child.exitValue(), point + ": " + Files.readString(log(index)));
      JsonNode s = status(index);
      String model = s.get("model").asText();
      assertTrue(model.equals(modelA()) || model.equals(modelB()), point + ": " + model);
      assertEquals(PHOTOS, s.get("images").asInt(), point + ": the current generation is whole");
      if (model.equals(modelA())) {
        assertEquals(before, searchIds(index, "a red bicycle"), point);
      }
      Cli.Result finish = reindexToB(index);
      assertEquals(0, finish.exitCode(), point + ": " + finish.err());
      JsonNode after = status(index);
      assertEquals(modelB(), after.get("model").asText(), point);
      assertEquals(PHOTOS, after.get("images").asInt(), point);
      assertTrue(after.get("switch").isNull(), point);
      try (Stream<Path> entries = Files.list(index)) {
        assertEquals(
            1, entries.filter(Files::isDirectory).count(), point + ": one generation is left");
      }
    }
  }

  /**
   * A reindex child JVM is killed with SIGKILL while it builds the new generation, several times at
   * seeded-random amounts of progress (the child stops as its N-th commit begins and says so; the
   * test kills it when it reads that); the old generation stays current and whole, and each rerun
   * resumes the build (what was committed is not encoded again) until the switch completes.
   */
  @Test
  void a_reindex_killed_repeatedly_mid_build_resumes_and_never_loses_the_old_index()
      throws Exception {
    Path index = indexWithModelA();
    List<String> before = searchIds(index, "a red bicycle");
    Random random = new Random(42);
    long committedBefore = 0;
    for (int round = 0; round < 3; round++) {
      int nth = 2 + random.nextInt(3);
      List<String> args =
          List.of(
              "index",
              photos().toString(),
              "--index",
              index.toString(),
              "--reindex",
              "--model",
              modelB(),
              "--batch",
              "1",
              "--threads",
              "1",
              "--commit-every",
              "1");
      long afterKill;
      try (CliChild child =
          CliChild.start(
              List.of(CliChild.pauseAt("commit", nth)),
              env(),
              log(index),
              args.toArray(String[]::new))) {
        child.awaitLine(CliChild.PAUSED + "commit@" + nth);
        assertEquals(137, child.kill(), "SIGKILL: " + child.log());
        afterKill = pendingImages(index);
        assertEquals(
            committedBefore + nth - 1,
            afterKill,
            "round " + round + ": the committed work is kept: " + child.log());
      }
      committedBefore = afterKill;
      JsonNode s = status(index);
      assertEquals(modelA(), s.get("model").asText(), "round " + round);
      assertEquals(PHOTOS, s.get("images").asInt(), "round " + round);
      assertEquals(modelB(), s.get("switch").get("model").asText());
      assertEquals(before, searchIds(index, "a red bicycle"), "round " + round);
    }
    Cli.Result finish = reindexToB(index, "--json");
    assertEquals(0, finish.exitCode(), finish.err());
    JsonNode summary = JSON.readTree(finish.out());
    assertTrue(summary.get("switched").asText().contains("resumed"), finish.out());
    assertEquals(committedBefore, summary.get("unchanged").asLong(), "resumed, not redone");
    assertEquals(PHOTOS - committedBefore, summary.get("indexed").asLong());
    JsonNode s = status(index);
    assertEquals(modelB(), s.get("model").asText());
    assertEquals(PHOTOS, s.get("images").asInt());
  }

  /**
   * A server keeps answering searches while a --reindex with another model runs beside it, then
   * serves the new model and generation without a restart.
   */
  @Test
  void serve_answers_every_search_through_a_switch_and_then_uses_the_new_model() throws Exception {
    Path index = indexWithModelA();
    ServeUnderTest server =
        ServeUnderTest.start(
            env(), "--index", index.toString(), "--cache-dir", tmp.resolve("cache").toString());
    String base = server.base();
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(modelA(), stats(http, base).get("model").get("id").asText());

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int id = c;
      clients.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    int i = 0;
                    while (!stop.get()) {
                      String q = "query%20" + id + "%20" + (i++ % 7);
                      try {
                        HttpResponse<String> r =
                            http.send(
                                HttpRequest.newBuilder(
                                        URI.create(base + "api/search?cutoff=none&k=3&q=" + q))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200
                            && JSON.readTree(r.body()).get("results").size() == 3) {
                          ok.incrementAndGet();
                        } else {
                          failures.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
                        }
                      } catch (Exception e) {
                        failures.merge(e.toString(), 1, Integer::sum);
                      }
                    }
                  }));
    }
    Cli.Result reindex = reindexToB(index);
    assertEquals(0, reindex.exitCode(), reindex.err());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String model = modelA();
    while (!model.equals(modelB()) && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling for the switch; the deadline is only a safety net
      model = stats(http, base).get("model").get("id").asText();
    }
    int okAtSwitch = ok.get();
    // keep searching on the new pair for a few more requests
    long more = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ok.get() < okAtSwitch + 20 && System.nanoTime() < more && failures.isEmpty()) {
      Thread.sleep(10);
    }
    stop.set(true);
    for (Thread t : clients) {
      t.join();
    }
    assertEquals(modelB(), model, "the server follows the switch");
    assertEquals(Map.of(), failures, "no search failed during the switch");
    assertTrue(ok.get() >= okAtSwitch + 20, "searches go on after the switch: " + ok.get());
    assertEquals(PHOTOS, stats(http, base).get("images").asInt());
    // The server's answers are the new model's: the same as a fresh `glimpse search`.
    HttpResponse<String> served =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "api/search?cutoff=none&k=5&q=a%20red%20bicycle"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> fromServer = new ArrayList<>();
    for (JsonNode h : JSON.readTree(served.body()).get("results")) {
      fromServer.add(h.get("path").asText() + " " + (float) h.get("score").asDouble());
    }
    List<String> fromCli = new ArrayList<>();
    for (String line : searchIds(index, "a red bicycle")) {
      String[] parts = line.split(" ", -1);
      fromCli.add(parts[0] + " " + Float.parseFloat(parts[1]));
    }
    assertEquals(fromCli, fromServer);
    assertEquals(0, server.stop(), server.err());
  }

  /**
   * serve --watch (of the folders the index remembers) through a switch: afterwards the watcher
   * indexes into the new generation with the new model.
   */
  @Test
  void serve_watch_follows_a_switch_and_indexes_new_photos_with_the_new_model() throws Exception {
    Path index = indexWithModelA();
    ServeUnderTest server =
        ServeUnderTest.start(
            env(),
            "--index",
            index.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--watch", // no folders: the ones the index remembers
            "--watch-quiet-ms",
            "100",
            "--watch-max-wait-ms",
            "500");
    String base = server.base();
    HttpClient http = HttpClient.newHttpClient();
    Cli.Result reindex = reindexToB(index);
    assertEquals(0, reindex.exitCode(), reindex.err());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String generation = "g1";
    while (!generation.equals("g2") && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling for the switch; the deadline is only a safety net
      generation = stats(http, base).get("generation").asText();
    }
    assertEquals("g2", generation);
    Files.copy(
        Path.of("..", "samples", "photos", "food-pizza.jpg"), photos().resolve("new-pizza.jpg"));
    int images = 0;
    while (images != PHOTOS + 1
        && System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos()) {
      Thread.sleep(50);
      images = stats(http, base).get("images").asInt();
    }
    assertEquals(PHOTOS + 1, images, "the new photo is indexed into the new generation");
    assertEquals(0, server.stop(), server.err());
    JsonNode s = status(index);
    assertEquals("g2", s.get("generation").asText());
    assertEquals(modelB(), s.get("model").asText(), "the watcher wrote with the new model");
    assertEquals(PHOTOS + 1, s.get("images").asInt());
  }

  private static JsonNode stats(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "api/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private Path log(Path index) {
    return index.resolveSibling(index.getFileName() + ".log");
  }

  private Process child(Path index, String crashPoint, List<String> extra) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("index", photos().toString(), "--index", index.toString()));
    args.addAll(extra);
    return Cli.child(
        crashPoint == null ? List.of() : List.of("-Dglimpse.test.crashAt=" + crashPoint),
        env(),
        log(index),
        args.toArray(String[]::new));
  }

  /** Images committed in the generation a switch is building, 0 while there is none. */
  private static long pendingImages(Path index) {
    try {
      Optional<IndexHome.PendingSwitch> p = IndexHome.at(index).pending();
      if (p.isEmpty() || !Files.exists(p.get().generation().dir())) {
        return 0;
      }
      try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(p.get().generation().dir())) {
        return store.stats().images();
      }
    } catch (IOException e) {
      return 0; // no commit yet, or mid-commit: ask again
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
