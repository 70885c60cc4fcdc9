package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse search} filters and {@code glimpse duplicates} on a real index: core's EXIF test
 * photos (camera, GPS), a copy of the GPS photo moved 8 degrees south, sample photos and a
 * half-size copy of one.
 */
class FilterAndDuplicatesCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  private String index;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  @BeforeEach
  void indexPhotos() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Path images = Path.of("..", "core", "src", "test", "resources", "images");
    Files.copy(images.resolve("canon-powershot-s330.jpg"), photos.resolve("canon.jpg"));
    Files.copy(images.resolve("fujifilm-finepixs2pro.jpg"), photos.resolve("fuji.jpg"));
    byte[] moved = Files.readAllBytes(images.resolve("fujifilm-finepixs2pro.jpg"));
    assertEquals(48, moved[856]); // GPSLatitude degrees 48/1, big-endian (see core's test)
    moved[856] = 40;
    Files.write(photos.resolve("fuji-south.jpg"), moved);
    for (String n : List.of("food-pizza.jpg", "plant-flower.jpg", "animal-two-cats.jpg")) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    BufferedImage pizza = ImageIO.read(photos.resolve("food-pizza.jpg").toFile());
    BufferedImage half =
        new BufferedImage(pizza.getWidth() / 2, pizza.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = half.createGraphics();
    g.drawImage(pizza, 0, 0, half.getWidth(), half.getHeight(), null);
    g.dispose();
    ImageIO.write(half, "jpeg", photos.resolve("pizza-half.jpg").toFile());
    index = tmp.resolve("index").toString();
    Cli.Result r =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index,
            "--model",
            Cli.fixture("tiny-clip-hf").toString());
    assertEquals(0, r.exitCode(), r.err());
  }

  private Set<String> search(String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("search", "a photo", "--index", index, "--json"));
    args.addAll(List.of(options));
    Cli.Result r = Cli.run(env(), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    Set<String> names = new TreeSet<>();
    for (JsonNode h : JSON.readTree(r.out()).get("results")) {
      names.add(Path.of(h.get("path").asText()).getFileName().toString());
    }
    return names;
  }

  @Test
  void camera_and_geo_options_return_exactly_the_matching_photos() throws Exception {
    assertEquals(Set.of("canon.jpg"), search("--camera", "canon"));
    assertEquals(
        Set.of("fuji.jpg", "fuji-south.jpg"), search("--camera", "FUJIFILM", "--no-collapse"));
    assertEquals(Set.of("fuji.jpg"), search("--near", "48.8584,2.2945,5"));
    assertEquals(Set.of("fuji-south.jpg"), search("--box", "40,2,41,3"));
    assertEquals(
        Set.of("fuji.jpg", "fuji-south.jpg", "canon.jpg"),
        search("--from", "2002-01-01", "--to", "2002-12-31", "--no-collapse"));
    assertEquals(Set.of(), search("--from", "2003-01-01"));
  }

  @Test
  void json_hits_carry_metadata_and_duplicate_counts() throws Exception {
    Cli.Result r = Cli.run(env(), "search", "pizza", "--index", index, "--json", "-k", "10");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode results = JSON.readTree(r.out()).get("results");
    assertEquals(5, results.size(), "7 photos, the fuji pair and the pizza pair collapsed");
    for (JsonNode h : results) {
      String name = Path.of(h.get("path").asText()).getFileName().toString();
      if (name.startsWith("fuji")) {
        assertEquals("FUJIFILM", h.get("metadata").get("cameraMake").asText());
        assertEquals(1, h.get("duplicates").asInt());
      }
      if (name.contains("pizza")) {
        assertEquals(1, h.get("duplicates").asInt());
      }
    }
  }

  @Test
  void paging_and_min_score_options() throws Exception {
    Set<String> all = search("-k", "10", "--no-collapse");
    Set<String> first = search("-k", "3", "--no-collapse");
    Set<String> rest = search("-k", "10", "--offset", "3", "--no-collapse");
    assertEquals(3, first.size());
    assertEquals(4, rest.size());
    Set<String> both = new TreeSet<>(first);
    both.addAll(rest);
    assertEquals(all, both);
    assertEquals(Set.of(), search("--min-score", "1"));
  }

  @Test
  void bad_filter_values_are_usage_errors_naming_the_option() {
    for (String[] bad :
        List.of(
            new String[] {"--near", "48,2"},
            new String[] {"--box", "49,2,48,3"},
            new String[] {"--orientation", "diagonal"},
            new String[] {"--from", "yesterday"})) {
      List<String> args = new ArrayList<>(List.of("search", "x", "--index", index));
      args.addAll(List.of(bad));
      Cli.Result r = Cli.run(env(), args.toArray(String[]::new));
      assertEquals(GlimpseCli.USAGE, r.exitCode(), r.err());
      assertTrue(r.err().contains(bad[0].substring(2)), r.err());
    }
  }

  @Test
  void duplicates_lists_the_groups_across_the_index() throws Exception {
    Cli.Result r = Cli.run(env(), "duplicates", "--index", index, "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode root = JSON.readTree(r.out());
    Set<Set<String>> groups = new java.util.HashSet<>();
    for (JsonNode g : root.get("groups")) {
      Set<String> names = new TreeSet<>();
      for (JsonNode i : g.get("images")) {
        names.add(Path.of(i.get("path").asText()).getFileName().toString());
      }
      groups.add(names);
    }
    assertEquals(
        Set.of(Set.of("fuji.jpg", "fuji-south.jpg"), Set.of("food-pizza.jpg", "pizza-half.jpg")),
        groups);
    Cli.Result text = Cli.run(env(), "duplicates", "--index", index);
    assertEquals(0, text.exitCode(), text.err());
    assertTrue(text.out().startsWith("2 groups of duplicates"), text.out());
  }
}
