package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portable indexes end to end: photos and index moved together, {@code glimpse roots} and {@code
 * roots move}, options remembered between {@code glimpse index} runs, a legacy index.
 */
class RootsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PHOTOS =
      List.of("food-pizza.jpg", "plant-flower.jpg", "animal-two-cats.jpg");

  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  /** Three sample photos in {@code dir} and one more in {@code dir/2019}. */
  private static Path photos(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("2019"));
    for (String n : PHOTOS) {
      Files.copy(Path.of("..", "samples", "photos", n), dir.resolve(n));
    }
    Files.copy(
        Path.of("..", "samples", "photos", "city-bridge-at-night.jpg"),
        dir.resolve("2019/bridge.jpg"));
    return dir;
  }

  private JsonNode json(String... args) throws IOException {
    Cli.Result r = Cli.run(env(), args);
    assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.err());
    return JSON.readTree(r.out());
  }

  private JsonNode index(Path index, String... folders) throws IOException {
    List<String> args = new ArrayList<>(List.of("index", "--index", index.toString(), "--json"));
    args.addAll(List.of(folders));
    if (!IndexOption.exists(index)) {
      args.addAll(List.of("--model", Cli.fixture("tiny-clip-hf").toString()));
    }
    return json(args.toArray(String[]::new));
  }

  private static void assertCounts(JsonNode run, int indexed, int unchanged, int removed) {
    assertEquals(indexed, run.get("indexed").asInt(), run.toString());
    assertEquals(unchanged, run.get("unchanged").asInt(), run.toString());
    assertEquals(removed, run.get("removed").asInt(), run.toString());
  }

  /** Searches, and returns the hits' paths after checking each one is a file there. */
  private List<String> searchPaths(Path index) throws IOException {
    JsonNode results =
        json(
                "search",
                "a photo",
                "--index",
                index.toString(),
                "-k",
                "10",
                "--cutoff",
                "none",
                "--json")
            .get("results");
    List<String> paths = new ArrayList<>();
    for (JsonNode hit : results) {
      paths.add(hit.get("path").asText());
      assertTrue(Files.isRegularFile(Path.of(hit.get("path").asText())), hit.toString());
    }
    return paths;
  }

  private void assertMovedTogether(Path photos, Path index, Path from, Path to, String recorded)
      throws Exception {
    assertCounts(index(index, photos.toString()), 4, 0, 0);
    JsonNode roots = json("roots", "--index", index.toString(), "--json");
    assertTrue(roots.get("portable").asBoolean());
    assertEquals(recorded, roots.get("roots").get(0).get("path").asText());
    assertEquals(4, roots.get("roots").get(0).get("images").asInt());

    Files.createDirectories(to.getParent());
    Files.move(from, to);
    Path movedPhotos = to.resolve(from.relativize(photos));
    Path movedIndex = to.resolve(from.relativize(index));
    List<String> paths = searchPaths(movedIndex);
    assertEquals(4, paths.size());
    assertTrue(paths.stream().allMatch(p -> p.startsWith(movedPhotos + "/")), paths.toString());

    JsonNode again = index(movedIndex);
    assertCounts(again, 0, 4, 0);
    assertEquals(
        List.of(movedPhotos.toString()),
        JSON.convertValue(again.get("remembered").get("roots"), List.class));
    assertCounts(index(movedIndex, movedPhotos.toString()), 0, 4, 0);
    JsonNode status = json("status", "--index", movedIndex.toString(), "--json");
    assertEquals(4, status.get("images").asInt(), "no stale entries, no duplicates");
  }

  @Test
  void index_inside_the_photo_folder_moves_with_it() throws Exception {
    Path photos = photos(tmp.resolve("disk1/photos"));
    Path index = photos.resolve("glimpse-index");
    assertMovedTogether(photos, index, photos, tmp.resolve("disk2/photos"), "..");
    serveOriginal(tmp.resolve("disk2/photos/glimpse-index"), tmp.resolve("disk2/photos"));
  }

  @Test
  void index_beside_the_photo_folder_moves_with_it() throws Exception {
    Path library = tmp.resolve("disk1/library");
    Path photos = photos(library.resolve("photos"));
    Path index = library.resolve("index");
    assertMovedTogether(photos, index, library, tmp.resolve("disk2/library"), "../photos");
  }

  /** The server answers an image by its id with the file at the moved path. */
  private void serveOriginal(Path index, Path photos) throws Exception {
    Path pizza = photos.resolve("food-pizza.jpg");
    // "More like this" never lists the photo itself, so its id comes from a search of every photo.
    String id = null;
    for (var hit :
        json(
                "search",
                "pizza",
                "--index",
                index.toString(),
                "--cutoff",
                "none",
                "--no-collapse",
                "-k",
                "1000",
                "--json")
            .get("results")) {
      if (Path.of(hit.get("path").asText()).equals(pizza)) {
        id = hit.get("id").asText();
      }
    }
    assertNotNull(id, "the moved pizza photo is indexed at its new path");
    try (ServeUnderTest server =
        ServeUnderTest.start(
            env(), "--index", index.toString(), "--cache-dir", tmp.resolve("cache").toString())) {
      HttpResponse<byte[]> image =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.base() + "api/images/" + id)).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, image.statusCode());
      assertArrayEquals(Files.readAllBytes(pizza), image.body());
      assertEquals(0, server.stop(), server.err());
    }
  }

  @Test
  void roots_move_repoints_an_index_kept_elsewhere() throws Exception {
    Path photos = photos(tmp.resolve("old-disk/photos"));
    Path index = tmp.resolve("var/glimpse/index");
    assertCounts(index(index, photos.toString()), 4, 0, 0);
    Path moved = tmp.resolve("new-disk/photos");
    Files.createDirectories(moved.getParent());
    Files.move(photos, moved);

    JsonNode before = json("roots", "--index", index.toString(), "--json").get("roots").get(0);
    assertEquals("r1", before.get("id").asText());
    assertEquals(photos.toString(), before.get("path").asText());
    assertFalse(before.get("exists").asBoolean());
    Cli.Result text = Cli.run(env(), "roots", "--index", index.toString());
    assertTrue(text.out().contains("r1  " + photos + "  MISSING  4 images"), text.out());
    Cli.Result plain = Cli.run(env(), "index", "--index", index.toString());
    assertEquals(GlimpseCli.USAGE, plain.exitCode(), "a missing remembered root is not walked");
    assertTrue(plain.err().contains("glimpse roots move"), plain.err());
    Cli.Result elsewhere =
        Cli.run(env(), "index", moved.toString(), "--index", index.toString(), "--dry-run");
    assertEquals(0, elsewhere.exitCode(), elsewhere.err());
    assertTrue(
        elsewhere.err().contains("glimpse roots move " + photos + " NEW_FOLDER"),
        "indexing the moved folder as a new root warns: " + elsewhere.err());

    Cli.Result move =
        Cli.run(
            env(),
            "roots",
            "move",
            photos.toString(),
            moved.toString(),
            "--index",
            index.toString());
    assertEquals(0, move.exitCode(), move.err());
    assertEquals("moved r1: " + photos + " -> " + moved + "\n", move.out());
    JsonNode after = json("roots", "--index", index.toString(), "--json").get("roots").get(0);
    assertEquals(moved.toString(), after.get("resolved").asText());
    assertTrue(after.get("exists").asBoolean());

    List<String> paths = searchPaths(index);
    assertEquals(4, paths.size());
    assertTrue(paths.stream().allMatch(p -> p.startsWith(moved + "/")), paths.toString());
    assertCounts(index(index), 0, 4, 0);
  }

  @Test
  void roots_move_refuses_unknown_roots_missing_folders_and_a_running_index() throws Exception {
    Path photos = photos(tmp.resolve("photos"));
    Path index = tmp.resolve("var/index");
    index(index, photos.toString());
    String dir = index.toString();

    Cli.Result unknown = Cli.run(env(), "roots", "move", "r7", tmp.toString(), "--index", dir);
    assertEquals(GlimpseCli.USAGE, unknown.exitCode());
    assertTrue(unknown.err().contains("no root r7"), unknown.err());
    assertTrue(unknown.err().contains("r1 (" + photos + ")"), "names the roots: " + unknown.err());

    Cli.Result missing =
        Cli.run(env(), "roots", "move", "r1", tmp.resolve("nope").toString(), "--index", dir);
    assertEquals(GlimpseCli.USAGE, missing.exitCode());
    assertTrue(missing.err().contains("does not exist"), missing.err());

    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    try (LuceneVectorStore running =
        LuceneVectorStore.open(
            dev.glimpse.core.index.IndexHome.at(index).current().orElseThrow().dir(),
            IndexConfig.of(32))) {
      assertFalse(running.readOnly(), "holds the write lock, as a running glimpse index does");
      Cli.Result locked =
          Cli.run(env(), "roots", "move", "r1", elsewhere.toString(), "--index", dir);
      assertEquals(GlimpseCli.FAILURE, locked.exitCode());
      assertTrue(locked.err().contains("write.lock"), locked.err());
    }
    JsonNode roots = json("roots", "--index", dir, "--json").get("roots");
    assertEquals(photos.toString(), roots.get(0).get("resolved").asText(), "nothing changed");
  }

  @Test
  void include_hidden_is_remembered_until_turned_off() throws Exception {
    Path photos = photos(tmp.resolve("photos"));
    Files.createDirectories(photos.resolve(".private"));
    Files.copy(photos.resolve("food-pizza.jpg"), photos.resolve(".private/pizza.jpg"));
    Files.copy(photos.resolve("plant-flower.jpg"), photos.resolve(".flower.jpg"));
    Path index = tmp.resolve("index");
    JsonNode first = index(index, photos.toString(), "--include-hidden");
    assertEquals(6, first.get("indexed").asInt() + first.get("reused").asInt(), first.toString());
    assertEquals(0, first.get("remembered").size(), "given, not remembered");

    JsonNode plain = index(index, photos.toString());
    assertCounts(plain, 0, 6, 0);
    assertTrue(plain.get("remembered").get("includeHidden").asBoolean(), plain.toString());
    Cli.Result text = Cli.run(env(), "index", photos.toString(), "--index", index.toString());
    assertTrue(text.out().contains("remembered: --include-hidden\n"), text.out());

    assertCounts(index(index, photos.toString(), "--no-include-hidden"), 0, 4, 2);
    JsonNode off = index(index);
    assertCounts(off, 0, 4, 0);
    assertFalse(off.get("remembered").has("includeHidden"), off.toString());
  }

  @Test
  void max_pixels_is_remembered() throws Exception {
    Path photos = photos(tmp.resolve("photos"));
    Path index = tmp.resolve("index");
    JsonNode small = index(index, photos.toString(), "--max-pixels", "1000");
    assertEquals(4, small.get("skipped").get("too-many-pixels").asInt(), small.toString());
    JsonNode again = index(index);
    assertEquals(1000, again.get("remembered").get("maxPixels").asLong(), again.toString());
    assertEquals(4, again.get("skipped").get("too-many-pixels").asInt(), again.toString());
    JsonNode lifted = index(index, "--max-pixels", "100000000");
    assertEquals(4, lifted.get("indexed").asInt(), lifted.toString());
    assertFalse(index(index).get("remembered").has("maxPixels"));
  }

  @Test
  void index_without_a_folder_reindexes_the_remembered_roots_and_a_new_root_keeps_the_old()
      throws Exception {
    Path index = tmp.resolve("index");
    Cli.Result none = Cli.run(env(), "index", "--index", index.toString());
    assertEquals(GlimpseCli.USAGE, none.exitCode());
    assertTrue(none.err().contains("remembers none"), none.err());

    Path a = photos(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.copy(Path.of("..", "samples", "photos", "food-broccoli-dish.jpg"), b.resolve("x.jpg"));
    assertCounts(index(index, a.toString()), 4, 0, 0);
    assertCounts(index(index, b.toString()), 1, 0, 0);
    assertEquals(5, json("status", "--index", index.toString(), "--json").get("images").asInt());

    Files.copy(
        Path.of("..", "samples", "photos", "sign-clock-on-building.jpg"), a.resolve("new.jpg"));
    Files.delete(b.resolve("x.jpg"));
    JsonNode both = index(index);
    assertCounts(both, 1, 4, 1);
    assertEquals(
        List.of(a.toString(), b.toString()),
        JSON.convertValue(both.get("remembered").get("roots"), List.class));
    Cli.Result text = Cli.run(env(), "index", "--index", index.toString());
    assertTrue(text.out().contains("remembered: folders " + a + ", " + b + "\n"), text.out());
    JsonNode roots = json("roots", "--index", index.toString(), "--json").get("roots");
    assertEquals(2, roots.size());
    assertEquals(5, roots.get(0).get("images").asInt());
    assertEquals(0, roots.get(1).get("images").asInt());
  }

  @Test
  void legacy_absolute_path_index_is_listed_as_not_portable_and_cannot_be_moved() throws Exception {
    Path index = Files.createDirectories(tmp.resolve("legacy"));
    try (Stream<Path> files =
        Files.list(Cli.fixture("tiny-clip-hf").resolveSibling("../legacy-index-v1").normalize())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, index.resolve(f.getFileName()));
      }
    }
    JsonNode roots = json("roots", "--index", index.toString(), "--json");
    assertFalse(roots.get("portable").asBoolean());
    assertEquals(0, roots.get("roots").size());
    Cli.Result text = Cli.run(env(), "roots", "--index", index.toString());
    assertTrue(text.out().contains("--reindex"), text.out());
    assertEquals(4, json("status", "--index", index.toString(), "--json").get("images").asInt());
    Cli.Result move =
        Cli.run(
            env(), "roots", "move", "/legacy/photos", tmp.toString(), "--index", index.toString());
    assertEquals(GlimpseCli.USAGE, move.exitCode());
    assertTrue(move.err().contains("absolute paths"), move.err());
  }
}
