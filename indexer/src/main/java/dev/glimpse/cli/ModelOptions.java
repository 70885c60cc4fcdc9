package dev.glimpse.cli;

import dev.glimpse.core.clip.CheckpointException;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.hub.HubConfig;
import dev.glimpse.core.hub.HubException;
import dev.glimpse.core.hub.ModelCatalog;
import dev.glimpse.core.hub.ModelLocator;
import dev.glimpse.core.hub.ModelRef;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.WeightsChangedException;
import dev.glimpse.core.index.WeightsFingerprint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --model}, {@code --precision} and {@code --engine} options shared by commands that run
 * CLIP.
 */
final class ModelOptions {
  static final String DEFAULT_MODEL = "openai/clip-vit-base-patch32";

  @Option(
      names = "--model",
      paramLabel = "ID|DIR",
      description =
          "A model directory (Hugging Face or open_clip layout), a hub id org/name[@revision] or"
              + " a catalogue name such as siglip2-b16 (see glimpse models). Default: "
              + DEFAULT_MODEL
              + " (for an existing index: the index's model).")
  String model;

  @Mixin PrecisionOption precision = new PrecisionOption();

  /** The model loading options given on the command line. */
  ClipOptions clipOptions() {
    return precision.clipOptions();
  }

  /** The model given on the command line, if any, a catalogue name resolved to its hub id. */
  Optional<String> explicit() {
    return Optional.ofNullable(model).map(ModelOptions::resolve);
  }

  /** The model given (a catalogue name resolved), or the default. */
  String idOrDefault() {
    return explicit().orElse(DEFAULT_MODEL);
  }

  /**
   * A catalogue name as its hub id ({@link ModelCatalog#resolve}); a folder of that name in the
   * working directory wins, since a model copied there is what the user points at.
   */
  static String resolve(String model) {
    return isFolder(model) ? model : ModelCatalog.resolve(model);
  }

  /** Finds (downloading if needed) and loads the model given or the default. */
  ClipModel load(PrintWriter err, Map<String, String> env)
      throws HubException, CheckpointException {
    Path dir = locator(env).locate(idOrDefault(), progress(err));
    return ClipModel.load(ClipCheckpoint.open(dir), clipOptions());
  }

  /**
   * A loaded model and where it came from.
   *
   * @param id the model id or folder as given or recorded
   * @param dir the folder the checkpoint was read from
   * @param model the model
   * @param verified for a local folder checked against an index's fingerprint, its fingerprint now
   */
  record Loaded(String id, Path dir, ClipModel model, Optional<WeightsFingerprint> verified) {
    /** A stable name for the index manifest: hub ids as given, directories made absolute. */
    String canonicalId() {
      return isFolder(id) ? Path.of(id).toAbsolutePath().normalize().toString() : id;
    }

    /**
     * The manifest an index records for vectors of this model, pinned to the hub commit the files
     * came from or to the local folder's weights fingerprint (hashed now unless just verified).
     */
    ModelManifest manifest(String modelId, int dimension, String preprocess, String precision)
        throws IOException {
      return pinned(modelId, dimension, preprocess, precision).withFamily(model.family().label());
    }

    private ModelManifest pinned(String modelId, int dimension, String preprocess, String precision)
        throws IOException {
      if (isFolder(id)) {
        WeightsFingerprint weights =
            verified.isPresent() ? verified.get() : WeightsFingerprint.of(dir);
        return new ModelManifest(
            modelId,
            Optional.of(weights.digest()),
            dimension,
            preprocess,
            precision,
            weights.files());
      }
      return new ModelManifest(modelId, commit(), dimension, preprocess, precision);
    }

    /** The hub commit the files came from, when they came from the hub cache. */
    Optional<String> commit() {
      Path parent = dir.getParent();
      String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
      if (parent != null
          && parent.getFileName() != null
          && parent.getFileName().toString().equals("snapshots")
          && name.matches("[0-9a-f]{40}")) {
        return Optional.of(name);
      }
      return Optional.empty();
    }
  }

  /** Finds (downloading if needed) and loads a model by id or directory, at its latest revision. */
  static Loaded load(String id, ClipOptions options, PrintWriter err, Map<String, String> env)
      throws HubException, CheckpointException {
    Path dir = locator(env).locate(id, progress(err));
    return new Loaded(id, dir, ClipModel.load(ClipCheckpoint.open(dir), options), Optional.empty());
  }

  /**
   * Loads exactly the model an index records, as {@code search}, {@code similar}, {@code serve} and
   * an incremental {@code index} need it: a hub model at the recorded commit (from the cache, else
   * downloaded at that commit; never the hub's latest), a local folder only if its weights still
   * match the recorded fingerprint. An index that recorded no pin (written before pinning) gets the
   * model id as given.
   *
   * <p>This is the one entry point for loading an index's model, also for swapping the model of a
   * running server.
   *
   * @param manifest the index's model manifest
   * @param options engine and precision
   * @param err receives download progress
   * @param env the environment (hub endpoint, cache, offline mode)
   * @return the model; the caller closes it
   * @throws HubException when the pinned commit is neither cached nor downloadable (offline, hub
   *     unreachable, commit gone); the message names the model and commit and says what to do
   * @throws WeightsChangedException when the local folder is gone or its weights changed
   * @throws IOException when the model cannot be read
   */
  static ClipModel loadPinned(
      ModelManifest manifest, ClipOptions options, PrintWriter err, Map<String, String> env)
      throws IOException {
    return loadRecorded(manifest, options, err, env).model();
  }

  /** As {@link #loadPinned}, with where the model came from (for the next manifest). */
  static Loaded loadRecorded(
      ModelManifest manifest, ClipOptions options, PrintWriter err, Map<String, String> env)
      throws IOException {
    String id = manifest.modelId();
    Optional<WeightsFingerprint> recorded = manifest.fingerprint();
    if (recorded.isPresent()) {
      WeightsFingerprint verified;
      try {
        verified = recorded.get().verify(Path.of(id));
      } catch (WeightsChangedException e) {
        throw new WeightsChangedException(e.getMessage() + reindexHint(id), e);
      }
      Path dir = Path.of(id).toAbsolutePath().normalize();
      return new Loaded(
          id, dir, ClipModel.load(ClipCheckpoint.open(dir), options), Optional.of(verified));
    }
    Optional<ModelRef> pinned =
        manifest.commit().flatMap(commit -> hubRef(id).map(ref -> ref.withRevision(commit)));
    if (pinned.isEmpty()) {
      return load(id, options, err, env); // recorded before pinning: as given, as it always was
    }
    Path dir;
    try {
      dir = locator(env).locateCommit(pinned.get(), progress(err));
    } catch (HubException e) {
      throw new HubException(e.kind(), e.getMessage() + reindexHint(pinned.get().repo()), e);
    }
    return new Loaded(id, dir, ClipModel.load(ClipCheckpoint.open(dir), options), Optional.empty());
  }

  private static String reindexHint(String model) {
    return " Or re-encode the photos with the model as it is now: glimpse index PHOTO_FOLDER"
        + " --reindex --model "
        + model;
  }

  /** The hub repository of a recorded id; empty for a folder (e.g. a snapshot passed as DIR). */
  private static Optional<ModelRef> hubRef(String id) {
    if (isFolder(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelRef.parse(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a folder that is gone: loading it as given says so
    }
  }

  private static boolean isFolder(String id) {
    try {
      return Files.isDirectory(Path.of(id));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static ModelLocator locator(Map<String, String> env) {
    return new ModelLocator(HubConfig.fromEnvironment(env));
  }

  private static ConsoleProgress progress(PrintWriter err) {
    return new ConsoleProgress(err, Terminal.stderrIsTerminal());
  }
}
