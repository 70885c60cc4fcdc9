package dev.glimpse.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConfigTest {

  @TempDir Path home;

  @Test
  void defaults() {
    HubConfig c = HubConfig.fromEnvironment(Map.of("HOME", home.toString()));
    assertEquals(URI.create("https://huggingface.co"), c.endpoint());
    assertEquals(home.resolve(".cache/huggingface/hub"), c.cacheDir());
    assertEquals(Optional.empty(), c.token());
    assertFalse(c.offline());
  }

  @Test
  void xdgCacheHomeAndHfHome() {
    assertEquals(
        home.resolve("xdg/huggingface/hub"),
        HubConfig.fromEnvironment(Map.of("XDG_CACHE_HOME", home.resolve("xdg").toString()))
            .cacheDir());
    assertEquals(
        home.resolve("hf/hub"),
        HubConfig.fromEnvironment(
                Map.of(
                    "HF_HOME", home.resolve("hf").toString(),
                    "XDG_CACHE_HOME", home.resolve("xdg").toString()))
            .cacheDir());
    assertEquals(
        home.resolve("elsewhere"),
        HubConfig.fromEnvironment(
                Map.of(
                    "HF_HOME", home.resolve("hf").toString(),
                    "HF_HUB_CACHE", home.resolve("elsewhere").toString()))
            .cacheDir());
  }

  @Test
  void endpointWithoutTrailingSlash() {
    HubConfig c =
        HubConfig.fromEnvironment(
            Map.of("HOME", home.toString(), "HF_ENDPOINT", "https://hf-mirror.com/"));
    assertEquals(URI.create("https://hf-mirror.com"), c.endpoint());
    assertThrows(
        IllegalArgumentException.class,
        () -> HubConfig.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")));
  }

  @Test
  void tokenFromEnvironmentElseTokenFile() throws Exception {
    Path hfHome = home.resolve("hf");
    Files.createDirectories(hfHome);
    Files.writeString(hfHome.resolve("token"), "hf_from_file\n");
    assertEquals(
        Optional.of("hf_from_file"),
        HubConfig.fromEnvironment(Map.of("HF_HOME", hfHome.toString())).token());
    assertEquals(
        Optional.of("hf_env"),
        HubConfig.fromEnvironment(Map.of("HF_HOME", hfHome.toString(), "HF_TOKEN", "hf_env"))
            .token());
  }

  @Test
  void offlineAcceptsTruthyValues() {
    for (String v : new String[] {"1", "true", "TRUE", "yes", "on"}) {
      assertTrue(
          HubConfig.fromEnvironment(Map.of("HOME", home.toString(), "HF_HUB_OFFLINE", v)).offline(),
          v);
    }
    for (String v : new String[] {"0", "false", "no", ""}) {
      assertFalse(
          HubConfig.fromEnvironment(Map.of("HOME", home.toString(), "HF_HUB_OFFLINE", v)).offline(),
          v);
    }
  }

  @Test
  void toStringHidesToken() {
    HubConfig c =
        HubConfig.fromEnvironment(Map.of("HOME", home.toString(), "HF_TOKEN", "hf_secret"));
    assertFalse(c.toString().contains("hf_secret"));
  }
}
