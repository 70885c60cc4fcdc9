package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.hub.FakeHub;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index pins the exact weights its vectors came from: {@code search} loads the recorded hub
 * commit however the hub's {@code main} moves, and refuses a local model folder whose weights
 * changed.
 */
class PinnedModelCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPO = "test-org/tiny-clip-hf";

  @TempDir Path tmp;

  private Map<String, String> env(FakeHub hub, String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HOME", tmp.resolve("hf").toString());
    env.put("HF_ENDPOINT", hub.endpoint().toString());
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private Path photos(int count) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("photos"));
    Path samples = Path.of("..", "samples", "photos").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(samples)) {
      for (Path f : files.sorted().limit(count).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private Cli.Result index(Map<String, String> env, Path photos, String... args) {
    List<String> all =
        new java.util.ArrayList<>(
            List.of(
                "index",
                photos.toString(),
                "--index",
                tmp.resolve("index").toString(),
                "--precision",
                "fp32",
                "--json"));
    all.addAll(List.of(args));
    return Cli.run(env, all.toArray(String[]::new));
  }

  private Cli.Result search(Map<String, String> env) {
    return Cli.run(
        env,
        "search",
        "a cat",
        "--index",
        tmp.resolve("index").toString(),
        "-k",
        "5",
        "--precision",
        "fp32",
        "--cutoff",
        "none",
        "--no-words",
        "--json");
  }

  private JsonNode status(Map<String, String> env) throws IOException {
    Cli.Result r = Cli.run(env, "status", "--index", tmp.resolve("index").toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  /** The fixture's weights with every float negated: same shapes, other vectors. */
  private static byte[] negatedWeights() throws IOException {
    byte[] bytes = Files.readAllBytes(Cli.fixture("tiny-clip-hf").resolve("model.safetensors"));
    long header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    for (int i = 8 + (int) header + 3; i < bytes.length; i += 4) {
      bytes[i] ^= (byte) 0x80; // sign bit of a little-endian F32
    }
    return bytes;
  }

  private static Map<String, byte[]> withWeights(Map<String, byte[]> files, byte[] weights) {
    Map<String, byte[]> changed = new HashMap<>(files);
    changed.put("model.safetensors", weights);
    return changed;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void search_keeps_the_indexed_commit_after_main_moves_to_other_weights() throws Exception {
    try (FakeHub hub = FakeHub.start()) {
      String pinned = hub.addFixtureRepo(REPO, Cli.fixture("tiny-clip-hf"));
      Map<String, String> env = env(hub);
      Path photos = photos(30);
      Cli.Result indexed = index(env, photos, "--model", REPO);
      assertEquals(0, indexed.exitCode(), indexed.err());
      JsonNode st = status(env);
      assertEquals(REPO, st.get("model").asText());
      assertEquals(pinned, st.get("revision").asText());

      Cli.Result before = search(env);
      assertEquals(0, before.exitCode(), before.err());
      // the ranking IndexCommandTest pins for the fixture model at fp32 (from the local folder)
      JsonNode top = JSON.readTree(before.out()).get("results").get(0);
      assertTrue(top.get("path").asText().endsWith("vehicle-rocket-launch.jpg"), before.out());
      assertEquals(0.3417, top.get("score").asDouble(), 5e-4);
      String[] embed = {"embed", "--model", REPO, "--text", "a cat", "--precision", "fp32"};
      Cli.Result embedBefore = Cli.run(env, embed);

      String moved = hub.pushCommit(REPO, withWeights(hub.files(REPO, pinned), negatedWeights()));
      Cli.Result embedAfter = Cli.run(env, embed);
      assertEquals(0, embedAfter.exitCode(), embedAfter.err());
      assertNotEquals(embedBefore.out(), embedAfter.out(), "main now serves other weights");
      assertTrue(
          Files.isDirectory(
              tmp.resolve("hf/hub/models--test-org--tiny-clip-hf/snapshots/" + moved)));

      hub.clearRequests();
      Cli.Result cached = search(env);
      assertEquals(0, cached.exitCode(), cached.err());
      assertEquals(before.out(), cached.out());
      assertEquals(List.of(), hub.requests(), "a cached pinned commit needs no hub");

      deleteTree(tmp.resolve("hf/hub"));
      Cli.Result downloaded = search(env);
      assertEquals(0, downloaded.exitCode(), downloaded.err());
      assertEquals(before.out(), downloaded.out());
      assertFalse(hub.requests().isEmpty());
      for (FakeHub.Request r : hub.requests()) {
        assertFalse(r.path().contains("/resolve/main/") || r.path().contains(moved), r.path());
      }
      assertTrue(hub.requests().stream().anyMatch(r -> r.path().contains("/resolve/" + pinned)));

      Cli.Result again = index(env, photos);
      assertEquals(0, again.exitCode(), again.err());
      assertEquals(30, JSON.readTree(again.out()).get("unchanged").asInt(), again.out());
      assertEquals(
          pinned, status(env).get("revision").asText(), "an incremental run keeps the pin");
    }
  }

  @Test
  void indexing_name_at_main_records_the_40_hex_commit() throws Exception {
    try (FakeHub hub = FakeHub.start()) {
      String pinned = hub.addFixtureRepo(REPO, Cli.fixture("tiny-clip-hf"));
      Map<String, String> env = env(hub);
      Cli.Result indexed = index(env, photos(3), "--model", REPO + "@main");
      assertEquals(0, indexed.exitCode(), indexed.err());
      JsonNode st = status(env);
      assertEquals(REPO + "@main", st.get("model").asText());
      assertEquals(pinned, st.get("revision").asText());
      assertTrue(pinned.matches("[0-9a-f]{40}"), pinned);

      Cli.Result text = Cli.run(env, "status", "--index", tmp.resolve("index").toString());
      assertTrue(text.out().contains("model:     " + REPO + "@main @" + pinned), text.out());
    }
  }

  @Test
  void pinned_commit_not_cached_and_not_downloadable_fails_naming_the_commit() throws Exception {
    try (FakeHub hub = FakeHub.start()) {
      String pinned = hub.addFixtureRepo(REPO, Cli.fixture("tiny-clip-hf"));
      Map<String, String> env = env(hub);
      assertEquals(0, index(env, photos(3), "--model", REPO).exitCode());
      deleteTree(tmp.resolve("hf/hub"));

      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      Cli.Result unreachable = search(env(hub, "HF_ENDPOINT", "http://127.0.0.1:" + closedPort));
      assertFails(unreachable, pinned, "Go online");

      Cli.Result offline = search(env(hub, "HF_HUB_OFFLINE", "1"));
      assertFails(offline, pinned, "Unset HF_HUB_OFFLINE");

      hub.pushCommit(REPO, withWeights(hub.files(REPO, pinned), negatedWeights()));
      hub.dropCommit(REPO, pinned);
      Cli.Result gone = search(env);
      assertFails(gone, pinned, "no longer has that commit");

      Cli.Result incremental = index(env, tmp.resolve("photos"));
      assertFails(incremental, pinned, "no longer has that commit");
    }
  }

  private static void assertFails(Cli.Result r, String commit, String advice) {
    assertEquals(1, r.exitCode(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("glimpse:")).toList();
    assertEquals(1, lines.size(), r.err());
    String message = lines.get(0);
    assertTrue(message.contains(REPO + " at commit " + commit), message);
    assertTrue(message.contains(advice), message);
    assertTrue(message.contains("glimpse index PHOTO_FOLDER --reindex --model " + REPO), message);
  }

  @Test
  void local_model_folder_with_changed_weights_is_refused_and_a_touch_is_not() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> files = Files.list(Cli.fixture("tiny-clip-hf"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, model.resolve(f.getFileName()));
        Files.setLastModifiedTime(model.resolve(f.getFileName()), old);
      }
    }
    Path weights = model.resolve("model.safetensors");
    byte[] original = Files.readAllBytes(weights);
    try (FakeHub hub = FakeHub.start()) {
      Map<String, String> env = env(hub);
      assertEquals(0, index(env, photos(3), "--model", model.toString()).exitCode());
      JsonNode st = status(env);
      assertEquals(model.toString(), st.get("model").asText());
      String lines = "model.safetensors\0" + sha256(original) + "\n";
      assertEquals(
          "sha256:" + sha256(lines.getBytes(StandardCharsets.UTF_8)), st.get("revision").asText());
      Cli.Result before = search(env);
      assertEquals(0, before.exitCode(), before.err());

      Files.setLastModifiedTime(weights, FileTime.from(Instant.now()));
      Cli.Result touched = search(env);
      assertEquals(0, touched.exitCode(), touched.err());
      assertEquals(before.out(), touched.out());

      Files.write(weights, negatedWeights());
      Cli.Result changed = search(env);
      assertEquals(1, changed.exitCode(), changed.err());
      assertTrue(changed.err().contains("model folder " + model), changed.err());
      assertTrue(changed.err().contains("changed since the index was built"), changed.err());
      assertTrue(changed.err().contains("--reindex --model " + model), changed.err());
      Cli.Result incremental = index(env, tmp.resolve("photos"));
      assertEquals(1, incremental.exitCode(), incremental.err());
      assertTrue(
          incremental.err().contains("changed since the index was built"), incremental.err());

      Cli.Result reindexed =
          index(env, tmp.resolve("photos"), "--reindex", "--model", model.toString());
      assertEquals(0, reindexed.exitCode(), reindexed.err());
      Cli.Result after = search(env);
      assertEquals(0, after.exitCode(), after.err());
      assertNotEquals(before.out(), after.out(), "the new weights give other scores");
      assertEquals(List.of(), hub.requests(), "a local folder never asks the hub");
    }
  }

  @Test
  void index_that_recorded_no_pin_loads_the_model_as_given_and_the_next_run_pins_it()
      throws Exception {
    Path model = Cli.fixture("tiny-clip-hf");
    ModelManifest unpinned =
        new ModelManifest(model.toString(), Optional.empty(), 32, "clip(64)", "djl-pytorch fp32");
    try (LuceneVectorStore store =
        LuceneVectorStore.open(tmp.resolve("index"), IndexConfig.forModel(unpinned))) {
      store.commit();
    }
    try (FakeHub hub = FakeHub.start()) {
      Map<String, String> env = env(hub);
      assertFalse(status(env).has("revision"));
      Cli.Result empty = search(env);
      assertEquals(0, empty.exitCode(), empty.err());

      assertEquals(0, index(env, photos(3)).exitCode());
      JsonNode st = status(env);
      assertEquals(model.toString(), st.get("model").asText());
      assertTrue(st.get("revision").asText().startsWith("sha256:"), st.toString());
      assertEquals(0, search(env).exitCode());
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
