package dev.glimpse.core.hub;

import dev.glimpse.core.hub.HubException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@code --model} argument into a local directory holding a CLIP or SigLIP checkpoint.
 *
 * <p>An existing directory is used as is. Anything else is read as a hub id ({@code org/name} or
 * {@code org/name@revision}) and only the files a CLIP checkpoint needs are fetched into the cache:
 *
 * <ul>
 *   <li>Hugging Face transformers layout (the repository has {@code config.json}): {@code
 *       config.json}, the tokenizer ({@code tokenizer.json}, or SigLIP's {@code spiece.model} /
 *       Gemma's {@code tokenizer.model}: those present, at least one), the weights {@code
 *       model.safetensors} or {@code model.safetensors.index.json} with every shard it names, and,
 *       where present, {@code preprocessor_config.json}, {@code tokenizer_config.json} and {@code
 *       special_tokens_map.json}.
 *   <li>open_clip layout: {@code open_clip_config.json} and {@code open_clip_model.safetensors},
 *       plus the tokenizer files a SigLIP repository carries (CLIP ones have none).
 * </ul>
 *
 * <p>Other weight formats (PyTorch {@code .bin}, TensorFlow, Flax) are never downloaded. In offline
 * mode, or when the hub is unreachable, a complete snapshot in the cache is used.
 */
public final class ModelLocator {

  private static final Logger LOG = LoggerFactory.getLogger(ModelLocator.class);

  private final HubClient client;
  private final HubCache cache;

  /**
   * Creates a locator that fetches through the given client.
   *
   * @param client the hub client
   */
  public ModelLocator(HubClient client) {
    this.client = Objects.requireNonNull(client, "client");
    this.cache = new HubCache(client.config().cacheDir());
  }

  /**
   * Creates a locator with its own {@link HubClient}.
   *
   * @param config the hub configuration
   */
  public ModelLocator(HubConfig config) {
    this(new HubClient(config));
  }

  /**
   * Finds or fetches the model.
   *
   * @param modelArg a directory, or a hub id {@code org/name[@revision]}
   * @param progress receives download progress
   * @return the directory (absolute, normalised) holding the checkpoint: {@code modelArg} itself
   *     when it is a directory, else the snapshot folder in the cache
   * @throws HubException when the model cannot be obtained; {@link HubException#kind()} says why
   * @throws IllegalArgumentException when {@code modelArg} is neither a directory nor a valid hub
   *     id
   */
  public Path locate(String modelArg, DownloadProgress progress) throws HubException {
    Objects.requireNonNull(modelArg, "modelArg");
    Objects.requireNonNull(progress, "progress");
    Optional<Path> directory = existingDirectory(modelArg);
    if (directory.isPresent()) {
      return directory.get();
    }
    ModelRef ref = parse(modelArg);
    if (client.config().offline()) {
      Optional<Path> snapshot = cache.snapshot(ref);
      List<String> missing =
          snapshot
              .map(CheckpointLayout::missing)
              .orElse(
                  List.of(CheckpointLayout.HF_CONFIG + " or " + CheckpointLayout.OPEN_CLIP_CONFIG));
      if (missing.isEmpty()) {
        return snapshot.get().toAbsolutePath().normalize();
      }
      throw HubErrors.offlineNotCached(ref, missing, client.config().cacheDir());
    }
    try {
      return fetch(ref, progress).toAbsolutePath().normalize();
    } catch (HubException e) {
      if (e.kind() == Kind.UNREACHABLE) {
        Optional<Path> snapshot =
            cache.snapshot(ref).filter(s -> CheckpointLayout.missing(s).isEmpty());
        if (snapshot.isPresent()) {
          LOG.warn(
              "The hub {} is unreachable ({}); using the cached snapshot of {}",
              client.config().endpoint(),
              e.getCause() == null ? "server error" : HubErrors.describe(e.getCause()),
              ref);
          return snapshot.get().toAbsolutePath().normalize();
        }
      }
      throw e;
    }
  }

  /**
   * Finds or fetches the model at exactly one commit, as an index pinned to it needs.
   *
   * <p>A complete snapshot of the commit in the cache is used without asking the hub (a commit's
   * files never change). Otherwise the missing files are downloaded at that commit; the hub's
   * latest revision is never consulted.
   *
   * @param ref the repository at a 40-hex commit
   * @param progress receives download progress
   * @return the snapshot folder of the commit (absolute, normalised)
   * @throws HubException naming the repository and commit when the snapshot is neither cached nor
   *     downloadable: {@link Kind#OFFLINE_NOT_CACHED} (offline mode), {@link Kind#UNREACHABLE} (the
   *     hub cannot be reached), {@link Kind#NOT_FOUND} (the hub no longer has the commit), or
   *     another kind passed on from the download
   * @throws IllegalArgumentException when the revision of {@code ref} is not a commit hash
   */
  public Path locateCommit(ModelRef ref, DownloadProgress progress) throws HubException {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(progress, "progress");
    if (!ref.isCommit()) {
      throw new IllegalArgumentException(
          "expected a 40-hex commit hash, got revision '" + ref.revision() + "' of " + ref.repo());
    }
    Path snapshot = cache.snapshotDir(ref, ref.revision());
    boolean cached = Files.isDirectory(snapshot);
    List<String> missing = cached ? CheckpointLayout.missing(snapshot) : List.of();
    if (cached && missing.isEmpty()) {
      return snapshot.toAbsolutePath().normalize();
    }
    if (client.config().offline()) {
      throw HubErrors.pinnedOffline(ref, missing, client.config().cacheDir());
    }
    try {
      Path fetched = fetch(ref, progress).toAbsolutePath().normalize();
      if (!fetched.getFileName().toString().equals(ref.revision())) {
        throw HubErrors.protocol(
            "The hub answered for " + ref + " with files of commit " + fetched.getFileName());
      }
      return fetched;
    } catch (HubException e) {
      if (e.kind() == Kind.UNREACHABLE) {
        throw HubErrors.pinnedUnreachable(
            ref, client.config().endpoint(), client.config().cacheDir(), e);
      }
      if (e instanceof HubClient.RepoOrRevisionNotFound) {
        throw HubErrors.pinnedGone(ref, client.config().endpoint(), client.config().cacheDir(), e);
      }
      throw e;
    }
  }

  private Path fetch(ModelRef ref, DownloadProgress progress) throws HubException {
    Optional<Path> hfConfig = client.tryDownload(ref, CheckpointLayout.HF_CONFIG, progress, false);
    if (hfConfig.isPresent()) {
      Path snapshot = hfConfig.get().getParent();
      fetchHuggingFace(pin(ref, snapshot), ref, progress);
      return snapshot;
    }
    Path config =
        client
            .tryDownload(ref, CheckpointLayout.OPEN_CLIP_CONFIG, progress, false)
            .orElseThrow(() -> HubErrors.notClip(ref));
    Path snapshot = config.getParent();
    ModelRef pinned = pin(ref, snapshot);
    if (client.tryDownload(pinned, CheckpointLayout.OPEN_CLIP_WEIGHTS, progress, false).isEmpty()) {
      throw HubErrors.notSafetensors(ref, "open_clip");
    }
    // SigLIP repositories carry their tokenizer (open_clip's hf_tokenizer_name names the repo
    // itself); CLIP ones use the bundled CLIP tokenizer and have none.
    if (tokenizers(pinned, progress) > 0) {
      for (String optional : CheckpointLayout.OPEN_CLIP_TOKENIZER_OPTIONAL) {
        client.tryDownload(pinned, optional, progress, false);
      }
    }
    return snapshot;
  }

  /** Fetches the rest of a transformers checkpoint, weights first so unsupported ones fail fast. */
  private void fetchHuggingFace(ModelRef pinned, ModelRef ref, DownloadProgress progress)
      throws HubException {
    if (client.tryDownload(pinned, CheckpointLayout.HF_WEIGHTS, progress, false).isEmpty()) {
      Path index =
          client
              .tryDownload(pinned, CheckpointLayout.HF_WEIGHTS_INDEX, progress, false)
              .orElseThrow(() -> HubErrors.notSafetensors(ref, "Hugging Face transformers"));
      for (String shard : shards(ref, index)) {
        client.download(pinned, shard, progress, false);
      }
    }
    if (tokenizers(pinned, progress) == 0) {
      // The usual file; its absence reports as a missing tokenizer.json.
      client.download(pinned, CheckpointLayout.HF_TOKENIZER, progress, false);
    }
    for (String optional : CheckpointLayout.HF_OPTIONAL) {
      client.tryDownload(pinned, optional, progress, false);
    }
  }

  /** Downloads the tokenizer files the repository has; returns how many it had. */
  private int tokenizers(ModelRef pinned, DownloadProgress progress) throws HubException {
    int found = 0;
    for (String file : CheckpointLayout.TOKENIZER_FILES) {
      if (client.tryDownload(pinned, file, progress, false).isPresent()) {
        found++;
      }
    }
    return found;
  }

  private static List<String> shards(ModelRef ref, Path index) throws HubException {
    try {
      List<String> shards = List.copyOf(CheckpointLayout.shards(index));
      shards.forEach(HubClient::validateFilename);
      return shards;
    } catch (IOException | IllegalArgumentException e) {
      throw new HubException(
          Kind.PROTOCOL,
          CheckpointLayout.HF_WEIGHTS_INDEX
              + " of "
              + ref
              + " is malformed: "
              + HubErrors.describe(e),
          e);
    }
  }

  /**
   * The same repository at the commit the first file resolved to, so every file of one call comes
   * from the same snapshot even if the branch moves meanwhile.
   */
  private static ModelRef pin(ModelRef ref, Path snapshot) {
    return ref.withRevision(snapshot.getFileName().toString());
  }

  private static Optional<Path> existingDirectory(String modelArg) {
    try {
      Path path = Path.of(modelArg);
      return Files.isDirectory(path)
          ? Optional.of(path.toAbsolutePath().normalize())
          : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private static ModelRef parse(String modelArg) {
    try {
      return ModelRef.parse(modelArg);
    } catch (IllegalArgumentException e) {
      boolean looksLikePath =
          modelArg.startsWith("/")
              || modelArg.startsWith(".")
              || modelArg.startsWith("~")
              || modelArg.contains("\\")
              || Files.exists(Path.of(modelArg.replace('\0', '_')));
      String hint = looksLikePath ? "No model directory '" + modelArg + "' exists" : e.getMessage();
      throw new IllegalArgumentException(
          hint
              + ". --model takes a directory holding a CLIP checkpoint or a Hugging Face hub id"
              + " 'org/name' or 'org/name@revision'.",
          e);
    }
  }
}
