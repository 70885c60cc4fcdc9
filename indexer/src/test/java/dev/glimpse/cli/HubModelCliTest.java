package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.hub.FakeHub;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model org/name} against a local hub on port 0, then offline from the cache. */
class HubModelCliTest {
  @TempDir Path tmp;

  @Test
  void model_by_hub_id_downloads_then_works_offline_from_the_cache() throws Exception {
    try (FakeHub hub = FakeHub.start()) {
      hub.addFixtureRepo("test-org/tiny-clip-openai", Cli.fixture("tiny-clip-openai"));
      hub.addFixtureRepo("test-org/tiny-clip-hf", Cli.fixture("tiny-clip-hf"));
      Map<String, String> online =
          Map.of("HF_HOME", tmp.toString(), "HF_ENDPOINT", hub.endpoint().toString());
      Path image = Cli.fixture("tiny-clip-hf").resolve("images/chelsea.png");
      for (String repo : new String[] {"test-org/tiny-clip-openai", "test-org/tiny-clip-hf"}) {
        Cli.Result first =
            Cli.run(
                online, "embed", "--model", repo, "--text", "a cat", "--image", image.toString());
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(2, first.out().lines().count());
        assertTrue(first.err().contains("downloading"), "progress is shown: " + first.err());

        hub.clearRequests();
        Map<String, String> offline =
            Map.of(
                "HF_HOME", tmp.toString(),
                "HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HUB_OFFLINE", "1");
        Cli.Result second =
            Cli.run(offline, "classify", "--model", repo, image.toString(), "--labels", "cat,dog");
        assertEquals(0, second.exitCode(), second.err());
        assertEquals(0, hub.requests().size(), "offline run made requests: " + hub.requests());
        assertEquals(
            first.out(),
            Cli.run(
                    offline,
                    "embed",
                    "--model",
                    repo,
                    "--text",
                    "a cat",
                    "--image",
                    image.toString())
                .out());
      }
    }
  }

  @Test
  void unreachable_hub_gives_one_clear_message_and_exit_code_1() {
    Map<String, String> env =
        Map.of("HF_HOME", tmp.toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
    Cli.Result r = Cli.run(env, "embed", "--model", "openai/clip-vit-base-patch32", "--text", "x");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("--model"), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("glimpse:")).count(), r.err());
  }

  @Test
  void offline_without_cache_says_what_is_missing() {
    Map<String, String> env = Map.of("HF_HOME", tmp.toString(), "HF_HUB_OFFLINE", "1");
    Cli.Result r = Cli.run(env, "embed", "--model", "openai/clip-vit-base-patch32", "--text", "x");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("HF_HUB_OFFLINE"), r.err());
  }
}
