package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glimpse serve} (on port 0, in a thread) and {@code glimpse similar}, end to end. */
class ServeAndSimilarCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private Path indexPhotos(String... names) throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    for (String n : names) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    Path index = tmp.resolve("index");
    Cli.Result r =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            Cli.fixture("tiny-clip-hf").toString());
    assertEquals(0, r.exitCode(), r.err());
    return photos;
  }

  @Test
  void serve_on_port_0_prints_its_url_and_answers_health_until_interrupted() throws Exception {
    indexPhotos("food-pizza.jpg", "plant-flower.jpg");
    ServeUnderTest server =
        ServeUnderTest.start(
            env(),
            "--index",
            tmp.resolve("index").toString(),
            "--cache-dir",
            tmp.resolve("cache").toString());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + "health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertEquals("ok", JSON.readTree(health.body()).get("status").asText());
    HttpResponse<String> search =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + "api/search?q=pizza&k=2&cutoff=none"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(2, JSON.readTree(search.body()).get("results").size(), search.body());
    assertEquals(0, server.stop(), server.err());
  }

  @Test
  void serve_refuses_a_public_host_without_an_api_key() throws Exception {
    indexPhotos("food-pizza.jpg");
    Cli.Result r =
        Cli.run(
            env(),
            "serve",
            "--index",
            tmp.resolve("index").toString(),
            "--host",
            "0.0.0.0",
            "--port",
            "0");
    assertEquals(GlimpseCli.USAGE, r.exitCode());
    assertTrue(r.err().contains("API key"), r.err());
  }

  @Test
  void similar_by_indexed_path_id_and_new_file() throws Exception {
    Path photos = indexPhotos("food-pizza.jpg", "plant-flower.jpg", "animal-two-cats.jpg");
    String index = tmp.resolve("index").toString();
    Path pizza = photos.resolve("food-pizza.jpg").toAbsolutePath().normalize();

    Cli.Result byPath = Cli.run(env(), "similar", pizza.toString(), "--index", index, "--json");
    assertEquals(0, byPath.exitCode(), byPath.err());
    JsonNode results = JSON.readTree(byPath.out()).get("results");
    assertEquals(2, results.size(), "the other two photos: never the query photo itself");
    for (JsonNode r : results) {
      assertTrue(!r.get("path").asText().equals(pizza.toString()), byPath.out());
    }

    String flower = results.get(0).get("id").asText();
    Cli.Result byId = Cli.run(env(), "similar", flower, "--index", index, "-k", "1", "--json");
    assertEquals(0, byId.exitCode(), byId.err());
    assertEquals(1, JSON.readTree(byId.out()).get("results").size());
    assertTrue(!flower.equals(JSON.readTree(byId.out()).get("results").get(0).get("id").asText()));

    Path outside = Files.copy(pizza, tmp.resolve("elsewhere.jpg"));
    Cli.Result byFile = Cli.run(env(), "similar", outside.toString(), "--index", index);
    assertEquals(0, byFile.exitCode(), byFile.err());
    assertTrue(
        byFile.out().lines().findFirst().orElse("").endsWith(pizza.toString()), byFile.out());

    Cli.Result missing = Cli.run(env(), "similar", "no-such-file.jpg", "--index", index);
    assertEquals(GlimpseCli.USAGE, missing.exitCode());
  }
}
