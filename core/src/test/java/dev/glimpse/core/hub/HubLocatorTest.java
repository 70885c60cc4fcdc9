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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubLocatorTest {

  static final String HF = "test-org/tiny-clip-hf";
  static final String OPEN_CLIP = "test-org/tiny-clip-openai";
  static final Path HF_DIR = FakeHub.fixture("tiny-clip-hf");
  static final Path OPEN_CLIP_DIR = FakeHub.fixture("tiny-clip-openai");
  static final Set<String> HF_FILES =
      Set.of(
          "config.json",
          "preprocessor_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "model.safetensors");

  @TempDir Path cache;
  FakeHub hub;

  @BeforeEach
  void startHub() throws IOException {
    hub = FakeHub.start();
    hub.addFixtureRepo(HF, HF_DIR);
    hub.addFixtureRepo(OPEN_CLIP, OPEN_CLIP_DIR);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  HubConfig config(boolean offline) {
    return new HubConfig(hub.endpoint(), cache, Optional.empty(), offline);
  }

  ModelLocator locator() {
    return new ModelLocator(config(false));
  }

  static Set<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !Files.isDirectory(p))
          .map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static void assertSameBytes(Path expectedDir, Path snapshot, Set<String> files) {
    for (String f : files) {
      assertArrayEquals(
          FakeHub.read(expectedDir.resolve(f)), FakeHub.read(snapshot.resolve(f)), f + " differs");
    }
  }

  @Test
  void fetchesHuggingFaceLayout() throws Exception {
    List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    long[] lastModelReport = {0, 0};
    Path snapshot =
        locator()
            .locate(
                HF,
                (file, done, total) -> {
                  reported.add(file);
                  if (file.equals("model.safetensors")) {
                    lastModelReport[0] = done;
                    lastModelReport[1] = total;
                  }
                });

    Path repoDir = cache.resolve("models--test-org--tiny-clip-hf");
    String commit = hub.commit(HF);
    assertEquals(repoDir.resolve("snapshots").resolve(commit), snapshot);
    assertEquals(HF_FILES, filesIn(snapshot));
    assertSameBytes(HF_DIR, snapshot, HF_FILES);
    assertEquals(commit, Files.readString(repoDir.resolve("refs/main")));
    String sha256 = FakeHub.sha256(FakeHub.read(HF_DIR.resolve("model.safetensors")));
    Path link = snapshot.resolve("model.safetensors");
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(Path.of("../../blobs/" + sha256), Files.readSymbolicLink(link));
    long size = Files.size(HF_DIR.resolve("model.safetensors"));
    assertEquals(size, lastModelReport[0]);
    assertEquals(size, lastModelReport[1]);
    assertTrue(reported.contains("tokenizer.json"));
    // nothing that is not needed was requested
    for (FakeHub.Request r : hub.requests()) {
      assertFalse(r.path().contains("golden") || r.path().contains("images"), r.path());
    }
    assertFalse(Files.exists(repoDir.resolve("blobs").resolve(sha256 + ".incomplete")));
  }

  @Test
  void fetchesSiglipCheckpointsWithTheirSentencePieceTokenizer() throws Exception {
    hub.addFixtureRepo("test-org/tiny-siglip-hf", FakeHub.fixture("tiny-siglip-hf"));
    hub.addFixtureRepo("test-org/tiny-siglip-openclip", FakeHub.fixture("tiny-siglip-openclip"));
    // The HF repo has spiece.model and no tokenizer.json (as google/siglip-base-patch16-224).
    Path hf = locator().locate("test-org/tiny-siglip-hf", DownloadProgress.NONE);
    assertEquals(
        Set.of(
            "config.json",
            "preprocessor_config.json",
            "spiece.model",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "model.safetensors"),
        filesIn(hf));
    Path oc = locator().locate("test-org/tiny-siglip-openclip", DownloadProgress.NONE);
    assertEquals(
        Set.of(
            "open_clip_config.json",
            "open_clip_model.safetensors",
            "spiece.model",
            "tokenizer_config.json",
            "special_tokens_map.json"),
        filesIn(oc));
    assertSameBytes(FakeHub.fixture("tiny-siglip-openclip"), oc, filesIn(oc));
    // Both are complete checkpoints: offline, the cache serves them.
    ModelLocator offline = new ModelLocator(config(true));
    assertEquals(hf, offline.locate("test-org/tiny-siglip-hf", DownloadProgress.NONE));
  }

  @Test
  void fetchesOpenClipLayout() throws Exception {
    Path snapshot = locator().locate(OPEN_CLIP, DownloadProgress.NONE);

    Set<String> expected = Set.of("open_clip_config.json", "open_clip_model.safetensors");
    assertEquals(expected, filesIn(snapshot));
    assertSameBytes(OPEN_CLIP_DIR, snapshot, expected);
    assertEquals(
        cache.resolve("models--test-org--tiny-clip-openai/snapshots/" + hub.commit(OPEN_CLIP)),
        snapshot);
    // config.json was probed and recorded as absent, like huggingface_hub does
    assertTrue(
        Files.exists(
            cache.resolve(
                "models--test-org--tiny-clip-openai/.no_exist/"
                    + hub.commit(OPEN_CLIP)
                    + "/config.json")));
  }

  @Test
  void offlineSecondLocateUsesCacheWithoutRequests() throws Exception {
    Path first = locator().locate(HF, DownloadProgress.NONE);
    Path firstOpenClip = locator().locate(OPEN_CLIP, DownloadProgress.NONE);
    hub.clearRequests();

    ModelLocator offline = new ModelLocator(config(true));
    assertEquals(first, offline.locate(HF, DownloadProgress.NONE));
    assertEquals(firstOpenClip, offline.locate(OPEN_CLIP, DownloadProgress.NONE));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void secondOnlineLocateDownloadsNothingAgain() throws Exception {
    Path first = locator().locate(HF, DownloadProgress.NONE);
    hub.clearRequests();

    assertEquals(first, locator().locate(HF, DownloadProgress.NONE));
    assertTrue(hub.requests().stream().allMatch(r -> r.method().equals("HEAD")), "only HEADs");
  }

  @Test
  void resumesBrokenDownloadWithRange() throws Exception {
    hub.breakOnce(HF, "model.safetensors");
    String sha256 = FakeHub.sha256(FakeHub.read(HF_DIR.resolve("model.safetensors")));
    Path partial = cache.resolve("models--test-org--tiny-clip-hf/blobs/" + sha256 + ".incomplete");

    HubException broken =
        assertThrows(HubException.class, () -> locator().locate(HF, DownloadProgress.NONE));
    assertEquals(Kind.UNREACHABLE, broken.kind(), broken.getMessage());
    assertTrue(broken.getMessage().contains("model.safetensors"), broken.getMessage());
    assertTrue(Files.exists(partial));
    long have = Files.size(partial);
    assertTrue(have > 0, "partial download kept");
    hub.clearRequests();

    Path snapshot = locator().locate(HF, DownloadProgress.NONE);

    List<String> ranges =
        hub.requests().stream()
            .filter(r -> r.path().endsWith("/cdn/" + HF + "/model.safetensors"))
            .map(FakeHub.Request::range)
            .toList();
    assertEquals(List.of("bytes=" + have + "-"), ranges);
    assertSameBytes(HF_DIR, snapshot, HF_FILES);
    assertFalse(Files.exists(partial));
  }

  @Test
  void rejectsCorruptDownload() throws Exception {
    hub.corrupt(HF, "model.safetensors");
    String sha256 = FakeHub.sha256(FakeHub.read(HF_DIR.resolve("model.safetensors")));

    HubException e =
        assertThrows(HubException.class, () -> locator().locate(HF, DownloadProgress.NONE));

    assertEquals(Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains(sha256), e.getMessage());
    Path blobs = cache.resolve("models--test-org--tiny-clip-hf/blobs");
    assertFalse(Files.exists(blobs.resolve(sha256)));
    assertFalse(Files.exists(blobs.resolve(sha256 + ".incomplete")));
    Path snapshot = cache.resolve("models--test-org--tiny-clip-hf/snapshots/" + hub.commit(HF));
    assertFalse(Files.exists(snapshot.resolve("model.safetensors")));
  }

  @Test
  void unreachableEndpointSaysHowToFetchByHand() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HubConfig closed =
        new HubConfig(URI.create("http://127.0.0.1:" + port), cache, Optional.empty(), false);

    HubException e =
        assertThrows(
            HubException.class, () -> new ModelLocator(closed).locate(HF, DownloadProgress.NONE));

    assertEquals(Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().contains("--model DIR"), e.getMessage());
    assertTrue(e.getMessage().contains("huggingface-cli download " + HF), e.getMessage());
    assertTrue(e.getMessage().contains("git clone http://127.0.0.1:" + port + "/" + HF));
    assertTrue(e.getCause() instanceof IOException, "keeps the cause");
  }

  @Test
  void unreachableHubFallsBackToCompleteCache() throws Exception {
    Path first = locator().locate(HF, DownloadProgress.NONE);
    ModelLocator locator = locator();
    hub.close();

    assertEquals(first, locator.locate(HF, DownloadProgress.NONE));
  }

  @Test
  void unauthorizedSaysToSetToken() throws Exception {
    hub.requireToken("hf_secret");

    HubException e =
        assertThrows(HubException.class, () -> locator().locate(HF, DownloadProgress.NONE));

    assertEquals(Kind.UNAUTHORIZED, e.kind());
    assertTrue(e.getMessage().contains("HF_TOKEN"), e.getMessage());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
  }

  @Test
  void sendsTokenAsBearerToTheHubOnly() throws Exception {
    hub.requireToken("hf_secret");
    HubConfig withToken = new HubConfig(hub.endpoint(), cache, Optional.of("hf_secret"), false);

    Path snapshot = new ModelLocator(withToken).locate(HF, DownloadProgress.NONE);

    assertEquals(HF_FILES, filesIn(snapshot));
    List<FakeHub.Request> requests = hub.requests();
    assertTrue(
        requests.stream()
            .filter(r -> r.path().contains("/resolve/"))
            .allMatch(r -> "Bearer hf_secret".equals(r.authorization())));
    // tokenizer.json is redirected to another host name (localhost): no token there
    List<FakeHub.Request> cdnTokenizer =
        requests.stream().filter(r -> r.path().equals("/cdn/" + HF + "/tokenizer.json")).toList();
    assertEquals(1, cdnTokenizer.size());
    assertEquals(null, cdnTokenizer.get(0).authorization());
  }

  @Test
  void fetchesAllShardsOfShardedCheckpoint() throws Exception {
    byte[] weights = FakeHub.read(HF_DIR.resolve("model.safetensors"));
    byte[] shard1 = Arrays.copyOfRange(weights, 0, weights.length / 2);
    byte[] shard2 = Arrays.copyOfRange(weights, weights.length / 2, weights.length);
    String index =
        """
        {"metadata": {"total_size": %d},
         "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
                        "b.weight": "model-00002-of-00002.safetensors",
                        "c.weight": "model-00001-of-00002.safetensors"}}
        """;
    index = String.format(Locale.ROOT, index, weights.length);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("config.json", FakeHub.read(HF_DIR.resolve("config.json")));
    files.put("tokenizer.json", FakeHub.read(HF_DIR.resolve("tokenizer.json")));
    files.put("model.safetensors.index.json", index.getBytes(StandardCharsets.UTF_8));
    files.put("model-00001-of-00002.safetensors", shard1);
    files.put("model-00002-of-00002.safetensors", shard2);
    files.put("pytorch_model.bin", new byte[] {1, 2, 3});
    hub.addRepo("test-org/sharded", files);

    Path snapshot = locator().locate("test-org/sharded", DownloadProgress.NONE);

    assertEquals(
        Set.of(
            "config.json",
            "tokenizer.json",
            "model.safetensors.index.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors"),
        filesIn(snapshot));
    assertArrayEquals(shard1, FakeHub.read(snapshot.resolve("model-00001-of-00002.safetensors")));
    assertArrayEquals(shard2, FakeHub.read(snapshot.resolve("model-00002-of-00002.safetensors")));
    hub.clearRequests();
    assertEquals(
        snapshot, new ModelLocator(config(true)).locate("test-org/sharded", (f, d, t) -> {}));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void rejectsPytorchOnlyRepo() throws Exception {
    hub.addRepo(
        "test-org/bin-only",
        Map.of(
            "config.json", FakeHub.read(HF_DIR.resolve("config.json")),
            "tokenizer.json", FakeHub.read(HF_DIR.resolve("tokenizer.json")),
            "pytorch_model.bin", new byte[2 * FakeHub.LFS_THRESHOLD]));
    hub.addRepo(
        "test-org/open-clip-bin-only",
        Map.of(
            "open_clip_config.json",
            FakeHub.read(OPEN_CLIP_DIR.resolve("open_clip_config.json")),
            "open_clip_pytorch_model.bin",
            new byte[16]));

    for (String repo : List.of("test-org/bin-only", "test-org/open-clip-bin-only")) {
      HubException e =
          assertThrows(HubException.class, () -> locator().locate(repo, DownloadProgress.NONE));
      assertEquals(Kind.UNSUPPORTED, e.kind());
      assertTrue(e.getMessage().contains("Only safetensors checkpoints are supported"));
      assertTrue(e.getMessage().contains("save_file"), e.getMessage());
    }
    assertTrue(hub.requests().stream().noneMatch(r -> r.path().contains(".bin")));
  }

  @Test
  void offlineWithoutCacheSaysWhatIsMissing() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> new ModelLocator(config(true)).locate(HF, DownloadProgress.NONE));

    assertEquals(Kind.OFFLINE_NOT_CACHED, e.kind());
    assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    assertTrue(e.getMessage().contains("--model DIR"), e.getMessage());
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void reusesCacheWrittenByPythonHuggingFaceHub() throws Exception {
    // the layout huggingface_hub writes: blobs named by etag, relative links, refs/main
    String commit = hub.commit(OPEN_CLIP);
    Path repoDir = cache.resolve("models--test-org--tiny-clip-openai");
    Path snapshot = repoDir.resolve("snapshots").resolve(commit);
    Files.createDirectories(snapshot);
    Files.createDirectories(repoDir.resolve("blobs"));
    Files.createDirectories(repoDir.resolve("refs"));
    Files.writeString(repoDir.resolve("refs/main"), commit);
    for (String f : List.of("open_clip_config.json", "open_clip_model.safetensors")) {
      byte[] bytes = FakeHub.read(OPEN_CLIP_DIR.resolve(f));
      String etag =
          bytes.length > FakeHub.LFS_THRESHOLD ? FakeHub.sha256(bytes) : FakeHub.gitBlobSha1(bytes);
      Files.write(repoDir.resolve("blobs").resolve(etag), bytes);
      Files.createSymbolicLink(snapshot.resolve(f), Path.of("../../blobs/" + etag));
    }

    assertEquals(snapshot, new ModelLocator(config(true)).locate(OPEN_CLIP, DownloadProgress.NONE));
    assertEquals(List.of(), hub.requests());
    assertEquals(snapshot, locator().locate(OPEN_CLIP, DownloadProgress.NONE));
    assertTrue(hub.requests().stream().allMatch(r -> r.method().equals("HEAD")), "no downloads");
  }

  @Test
  void commitRevisionWritesNoRef() throws Exception {
    String commit = hub.commit(OPEN_CLIP);

    Path snapshot = locator().locate(OPEN_CLIP + "@" + commit, DownloadProgress.NONE);

    assertEquals(snapshot.getFileName().toString(), commit);
    assertFalse(Files.exists(cache.resolve("models--test-org--tiny-clip-openai/refs")));
  }

  @Test
  void unknownRevisionIsNotFound() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> locator().locate(HF + "@no-such-branch", DownloadProgress.NONE));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("no-such-branch"), e.getMessage());
  }

  @Test
  void existingDirectoryIsReturnedAsIs(@TempDir Path dir) throws Exception {
    Path sub = Files.createDirectories(dir.resolve("a/b"));

    assertEquals(sub, locator().locate(dir + "/a/./b", DownloadProgress.NONE));
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void missingDirectoryIsReportedAsSuch() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> locator().locate("/no/such/model/dir", DownloadProgress.NONE));
    assertTrue(e.getMessage().contains("/no/such/model/dir"), e.getMessage());
  }
}
