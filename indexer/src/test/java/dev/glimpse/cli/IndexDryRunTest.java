package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse index --dry-run}: its counts are the ones the real run then has, it creates and
 * changes nothing, and it loads no model.
 */
class IndexDryRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COUNTS = List.of("indexed", "unchanged", "reused", "removed");
  @TempDir Path tmp;

  /** The hub is unreachable and the cache empty: loading any hub model would fail. */
  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static Path sample(String name) {
    return Path.of("..", "samples", "photos", name).toAbsolutePath().normalize();
  }

  private static void copy(Path dir, String... names) throws IOException {
    Files.createDirectories(dir);
    for (String n : names) {
      Files.copy(sample(n), dir.resolve(n));
    }
  }

  /** Files every real run must skip, one per reason, plus a duplicate of a good photo. */
  private static void addProblemFiles(Path photos) throws IOException {
    Files.writeString(photos.resolve("notes.jpg"), "a text file with a photo's name\n");
    byte[] jpeg = Files.readAllBytes(sample("food-pizza.jpg"));
    Files.write(photos.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
    byte[] heic = new byte[64];
    System.arraycopy(
        new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, 0, heic, 0, 12);
    Files.write(photos.resolve("IMG_0001.HEIC"), heic);
    Files.write(photos.resolve("empty.jpg"), new byte[0]);
    Files.copy(sample("animal-two-cats.jpg"), photos.resolve("copy-of-two-cats.jpg"));
  }

  private JsonNode index(Path photos, Path index, String... more) throws IOException {
    String[] args =
        Stream.concat(
                Stream.of("index", photos.toString(), "--index", index.toString(), "--json"),
                Stream.of(more))
            .toArray(String[]::new);
    Cli.Result r = Cli.run(env(), args);
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  /** Every file and folder under a path, with a digest of each file's bytes and its mtime. */
  private static Map<String, String> listing(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String key = root.relativize(p).toString();
        if (Files.isDirectory(p)) {
          out.put(key + "/", "dir");
        } else {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
          out.put(key, HexFormat.of().formatHex(digest) + " " + Files.getLastModifiedTime(p));
        }
      }
    }
    return out;
  }

  private static Set<String> skippedFiles(JsonNode summary) {
    Set<String> out = new TreeSet<>();
    summary
        .get("skippedFiles")
        .forEach(f -> out.add(f.get("reason").asText() + " " + f.get("path").asText()));
    return out;
  }

  private static void assertSameCounts(JsonNode dry, JsonNode real) {
    assertTrue(dry.get("dryRun").asBoolean(), dry.toString());
    assertFalse(real.get("dryRun").asBoolean(), real.toString());
    for (String key : COUNTS) {
      assertEquals(real.get(key), dry.get(key), key + ": dry " + dry + "\nreal " + real);
    }
    assertEquals(real.get("skipped"), dry.get("skipped"));
    assertEquals(skippedFiles(real), skippedFiles(dry));
  }

  private static long truncatedOrCorrupt(JsonNode summary) {
    return summary.get("skipped").path("truncated").asLong()
        + summary.get("skipped").path("corrupt").asLong();
  }

  @Test
  void dry_run_of_a_new_index_creates_nothing_loads_no_model_and_predicts_the_real_run()
      throws Exception {
    Path photos = tmp.resolve("photos");
    copy(photos, "animal-two-cats.jpg", "city-pagoda-china.jpg", "animal-cat-chelsea.png");
    addProblemFiles(photos);
    Path index = tmp.resolve("data").resolve("index");
    Map<String, String> before = listing(tmp);

    // A hub model that is not cached, behind an unreachable hub: loading it would fail.
    JsonNode dry = index(photos, index, "--dry-run", "--model", "test-org/not-cached-clip");

    assertEquals(before, listing(tmp), "the dry run changed the file system");
    assertFalse(Files.exists(tmp.resolve("data")), "the dry run created the index folder");
    assertFalse(Files.exists(tmp.resolve("hf")), "the dry run touched the model cache");
    assertEquals(IndexCommand.DRY_RUN_ENCODER, dry.get("encoder").asText());
    // What the files are, independently of the code: 3 photos, one copy, 4 bad files.
    assertEquals(3, dry.get("indexed").asLong(), dry.toString());
    assertEquals(1, dry.get("reused").asLong(), dry.toString());
    assertEquals(1, dry.get("skipped").get("not-an-image").asLong(), dry.toString());
    assertEquals(1, dry.get("skipped").get("unsupported-format").asLong(), dry.toString());
    assertEquals(1, dry.get("skipped").get("empty").asLong(), dry.toString());
    assertEquals(1, truncatedOrCorrupt(dry), dry.toString());
    assertEquals(4, dry.get("skippedFiles").size(), dry.toString());

    JsonNode real = index(photos, index, "--model", Cli.fixture("tiny-clip-hf").toString());
    assertSameCounts(dry, real);
  }

  @Test
  void dry_run_of_an_existing_index_leaves_it_byte_identical_and_predicts_the_real_run()
      throws Exception {
    Path photos = tmp.resolve("photos");
    copy(
        photos,
        "animal-two-cats.jpg",
        "city-pagoda-china.jpg",
        "food-pizza.jpg",
        "city-street-traffic.jpg");
    // The index records this model folder; it is moved away for the dry run.
    Path model = tmp.resolve("model");
    copyTree(Cli.fixture("tiny-clip-hf"), model);
    Path index = tmp.resolve("index");
    assertEquals(4, index(photos, index, "--model", model.toString()).get("indexed").asLong());

    Files.delete(photos.resolve("city-street-traffic.jpg")); // removed
    Files.setLastModifiedTime(
        photos.resolve("food-pizza.jpg"), FileTime.fromMillis(1_000_000_000_000L)); // touched
    copy(photos, "animal-cat-chelsea.png", "sign-clock-on-building.jpg"); // new
    // A copy of a photo already indexed, and a copy of one indexed in this run.
    Files.copy(photos.resolve("city-pagoda-china.jpg"), photos.resolve("pagoda-again.jpg"));
    Files.copy(photos.resolve("animal-cat-chelsea.png"), photos.resolve("chelsea-again.png"));
    addProblemFiles(photos);
    Path parked = tmp.resolve("parked-model");
    Files.move(model, parked);
    Map<String, String> indexBefore = listing(index);
    Map<String, String> photosBefore = listing(photos);

    JsonNode dry = index(photos, index, "--dry-run");

    assertEquals(indexBefore, listing(index), "the dry run changed the index folder");
    assertEquals(photosBefore, listing(photos));
    assertFalse(Files.exists(tmp.resolve("hf")), "the dry run touched the model cache");
    assertEquals(2, dry.get("indexed").asLong(), dry.toString());
    assertEquals(3, dry.get("unchanged").asLong(), dry.toString());
    assertEquals(3, dry.get("reused").asLong(), dry.toString());
    assertEquals(1, dry.get("removed").asLong(), dry.toString());
    assertEquals(1, truncatedOrCorrupt(dry), dry.toString());
    assertEquals(4, dry.get("skippedFiles").size(), dry.toString());

    Files.move(parked, model);
    JsonNode real = index(photos, index);
    assertSameCounts(dry, real);
  }

  @Test
  void dry_run_reindex_reads_nothing_and_counts_every_file_as_new() throws Exception {
    Path photos = tmp.resolve("photos");
    copy(photos, "animal-two-cats.jpg", "city-pagoda-china.jpg");
    Path index = tmp.resolve("index");
    String model = Cli.fixture("tiny-clip-hf").toString();
    index(photos, index, "--model", model);
    Map<String, String> before = listing(index);

    JsonNode dry = index(photos, index, "--dry-run", "--reindex", "--model", "test-org/other");

    assertEquals(before, listing(index));
    JsonNode real = index(photos, index, "--reindex", "--model", model);
    assertEquals(2, dry.get("indexed").asLong(), dry.toString());
    assertSameCounts(dry, real);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
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
