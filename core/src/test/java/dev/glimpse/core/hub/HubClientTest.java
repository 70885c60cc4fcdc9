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
  void followsRenamedRepositoryRedirect() throws Exception {
    hub.rename("test-org/old-name", REPO.repo());
    ModelRef old = ModelRef.parse("test-org/old-name");

    Path large = client(false).download(old, "sub/large.bin", DownloadProgress.NONE);
    Path small = client(false).download(old, "small.json", DownloadProgress.NONE);

    assertArrayEquals(LARGE, Files.readAllBytes(large));
    assertArrayEquals(SMALL, Files.readAllBytes(small));
    // cached under the name that was asked for, like huggingface_hub
    assertTrue(large.startsWith(cache.resolve("models--test-org--old-name")));
  }

  @Test
  void resumesFromPartialFileAndReportsProgressFromThere() throws Exception {
    Path blobs = cache.resolve("models--test-org--files/blobs");
    Files.createDirectories(blobs);
    int have = 1000;
    Files.write(
        blobs.resolve(FakeHub.sha256(LARGE) + ".incomplete"), java.util.Arrays.copyOf(LARGE, have));
    List<long[]> reports = new java.util.ArrayList<>();

    Path large =
        client(false).download(REPO, "sub/large.bin", (f, d, t) -> reports.add(new long[] {d, t}));

    assertArrayEquals(LARGE, Files.readAllBytes(large));
    assertEquals(have, reports.get(0)[0]);
    assertEquals(LARGE.length, reports.get(0)[1]);
    assertEquals(LARGE.length, reports.get(reports.size() - 1)[0]);
    assertTrue(hub.requests().stream().anyMatch(r -> ("bytes=" + have + "-").equals(r.range())));
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
