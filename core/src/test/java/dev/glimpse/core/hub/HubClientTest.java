package dev.glimpse.core.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.hub.HubException.Kind;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {

  static final ModelRef REPO = ModelRef.parse("test-org/files");
  static final byte[] SMALL = "{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  static final byte[] LARGE = new byte[FakeHub.LFS_THRESHOLD + 12345];

  static {
    for (int i = 0; i < LARGE.length; i++) {
      LARGE[i] = (byte) (i * 31);
    }
  }

  @TempDir Path cache;
  FakeHub hub;

  @BeforeEach
  void startHub() throws Exception {
    hub = FakeHub.start();
    hub.addRepo(REPO.repo(), Map.of("small.json", SMALL, "sub/large.bin", LARGE));
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  HubClient client(boolean offline) {
    return new HubClient(new HubConfig(hub.endpoint(), cache, Optional.empty(), offline));
  }

  @Test
  void downloadsSmallAndNestedLargeFiles() throws Exception {
    HubClient client = client(false);
    Path small = client.download(REPO, "small.json", DownloadProgress.NONE);
    Path large = client.download(REPO, "sub/large.bin", DownloadProgress.NONE);

    Path snapshot = cache.resolve("models--test-org--files/snapshots/" + hub.commit(REPO.repo()));
    assertEquals(snapshot.resolve("small.json"), small);
    assertEquals(snapshot.resolve("sub/large.bin"), large);
    assertArrayEquals(SMALL, Files.readAllBytes(small));
    assertArrayEquals(LARGE, Files.readAllBytes(large));
    assertEquals(Path.of("../../../blobs/" + FakeHub.sha256(LARGE)), Files.readSymbolicLink(large));
    assertEquals(
        Path.of("../../blobs/" + FakeHub.gitBlobSha1(SMALL)), Files.readSymbolicLink(small));
  }

  @Test
  void missingFileIsNotFoundAndRecordedAsAbsent() throws Exception {
    HubClient client = client(false);
    HubException e =
        assertThrows(
            HubException.class, () -> client.download(REPO, "nope.json", DownloadProgress.NONE));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
    assertEquals(Optional.empty(), client.tryDownload(REPO, "nope.json", DownloadProgress.NONE));

    // offline, the recorded absence answers the probe without network
    hub.clearRequests();
    assertEquals(
        Optional.empty(), client(true).tryDownload(REPO, "nope.json", DownloadProgress.NONE));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void unknownRepositoryIsNotHiddenByTryDownload() {
    HubException e =
        assertThrows(
            HubException.class,
            () ->
                client(false)
                    .tryDownload(ModelRef.parse("test-org/missing"), "x", DownloadProgress.NONE));
    assertEquals(Kind.UNAUTHORIZED, e.kind());
  }

  @Test
  void offlineMissingFileSaysHowToProceed() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> client(true).download(REPO, "small.json", DownloadProgress.NONE));
    assertEquals(Kind.OFFLINE_NOT_CACHED, e.kind());
    assertTrue(e.getMessage().contains("small.json"));
    assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"));
    assertTrue(e.getMessage().contains("--model DIR"));
  }

  @Test
  void worksWithAClientThatFollowsRedirectsItself() throws Exception {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HubClient client =
        new HubClient(new HubConfig(hub.endpoint(), cache, Optional.empty(), false), following);

    Path large = client.download(REPO, "sub/large.bin", DownloadProgress.NONE);

    assertArrayEquals(LARGE, Files.readAllBytes(large));
    assertTrue(
        Files.exists(cache.resolve("models--test-org--files/blobs/" + FakeHub.sha256(LARGE))));
  }
}
