package dev.glimpse.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.hub.HubException.Kind;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelLocator#locateCommit}: a pinned commit, whatever the hub's main says now. */
class LocateCommitTest {
  static final String HF = "test-org/tiny-clip-hf";
  static final Path HF_DIR = FakeHub.fixture("tiny-clip-hf");

  @TempDir Path cache;
  FakeHub hub;
  String pinned;
  String moved;

  @BeforeEach
  void hubWhoseMainMoved() throws IOException {
    hub = FakeHub.start();
    pinned = hub.addFixtureRepo(HF, HF_DIR);
    Map<String, byte[]> files = new HashMap<>(hub.files(HF, pinned));
    byte[] weights = files.get("model.safetensors").clone();
    weights[weights.length - 1] ^= 0x01;
    files.put("model.safetensors", weights);
    moved = hub.pushCommit(HF, files);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  ModelLocator locator(boolean offline) {
    return new ModelLocator(new HubConfig(hub.endpoint(), cache, Optional.empty(), offline));
  }

  ModelRef pinnedRef() {
    return ModelRef.parse(HF).withRevision(pinned);
  }

  @Test
  void downloads_the_pinned_commit_not_main() throws Exception {
    Path snapshot = locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE);

    assertEquals(
        cache.resolve("models--test-org--tiny-clip-hf/snapshots").resolve(pinned), snapshot);
    assertArrayEquals(
        FakeHub.read(HF_DIR.resolve("model.safetensors")),
        FakeHub.read(snapshot.resolve("model.safetensors")));
    assertFalse(hub.requests().isEmpty());
    for (FakeHub.Request r : hub.requests()) {
      assertFalse(r.path().contains("/resolve/main/"), "asked for main: " + r.path());
      assertFalse(r.path().contains(moved), "asked for the new commit: " + r.path());
    }
  }

  @Test
  void complete_cached_snapshot_is_used_without_asking_the_hub() throws Exception {
    Path first = locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE);
    hub.clearRequests();

    assertEquals(first, locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE));
    assertEquals(first, locator(true).locateCommit(pinnedRef(), DownloadProgress.NONE));
    assertEquals(0, hub.requests().size(), "requests: " + hub.requests());
  }

  @Test
  void missing_weights_are_downloaded_again_at_the_pinned_commit() throws Exception {
    Path snapshot = locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE);
    Files.delete(snapshot.resolve("model.safetensors"));
    try (Stream<Path> blobs = Files.list(snapshot.resolve("../../blobs").normalize())) {
      for (Path blob : blobs.toList()) {
        Files.delete(blob);
      }
    }

    Path again = locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE);
    assertArrayEquals(
        FakeHub.read(HF_DIR.resolve("model.safetensors")),
        FakeHub.read(again.resolve("model.safetensors")));
  }

  @Test
  void offline_and_not_cached_names_the_model_and_commit() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> locator(true).locateCommit(pinnedRef(), DownloadProgress.NONE));
    assertEquals(Kind.OFFLINE_NOT_CACHED, e.kind());
    assertTrue(e.getMessage().contains(HF + " at commit " + pinned), e.getMessage());
    assertTrue(e.getMessage().contains("Unset HF_HUB_OFFLINE"), e.getMessage());
    assertEquals(0, hub.requests().size());
  }

  @Test
  void unreachable_hub_and_not_cached_names_the_model_and_commit() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HubConfig closed =
        new HubConfig(URI.create("http://127.0.0.1:" + port), cache, Optional.empty(), false);
    HubException e =
        assertThrows(
            HubException.class,
            () -> new ModelLocator(closed).locateCommit(pinnedRef(), DownloadProgress.NONE));
    assertEquals(Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().contains(HF + " at commit " + pinned), e.getMessage());
    assertTrue(e.getMessage().contains("Go online"), e.getMessage());
    assertTrue(e.getCause() instanceof HubException, "keeps the cause");
  }

  @Test
  void commit_gone_from_the_hub_names_the_model_and_commit() {
    hub.dropCommit(HF, pinned);
    HubException e =
        assertThrows(
            HubException.class,
            () -> locator(false).locateCommit(pinnedRef(), DownloadProgress.NONE));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains(HF + " at commit " + pinned), e.getMessage());
    assertTrue(e.getMessage().contains("no longer has that commit"), e.getMessage());
  }

  @Test
  void a_branch_is_not_a_pin() {
    assertThrows(
        IllegalArgumentException.class,
        () -> locator(false).locateCommit(ModelRef.parse(HF), DownloadProgress.NONE));
  }
}
