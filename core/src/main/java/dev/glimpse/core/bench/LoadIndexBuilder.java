package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Builds a large index for the search-service load benchmark: real vectors for the photos of a
 * folder (through the real {@link ImageIndexer}), then synthetic images up to the wanted size with
 * random unit vectors (normalised Gaussians) and made-up but plausible records under {@code
 * /synthetic/YEAR/ALBUM/NNNNNN.jpg}, so folder and date filters have something to select.
 *
 * <p>The index is kept: a later run with the same size and model reuses it.
 */
public final class LoadIndexBuilder {
  /** Where synthetic images pretend to live. */
  public static final String SYNTHETIC_ROOT = "/synthetic";

  private static final int COMMIT_EVERY = 20_000;
  private static final String FINGERPRINT_FILE = "bench-fingerprint.json";
  private static final String REAL_KEY = "real";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final int ALBUMS_PER_YEAR = 20;

  /**
   * How to build.
   *
   * @param indexDir the index folder (created; an index there of another size is replaced)
   * @param photos a folder of real photos, or empty for synthetic vectors only
   * @param total the number of images
   * @param hnswM HNSW maximum connections per node
   * @param beamWidth HNSW build beam width
   * @param seed seed of the synthetic vectors and records
   * @param mergeToOneSegment whether to force-merge the index into one segment (one HNSW graph)
   * @param vectors how the synthetic vectors are spread
   */
  public record Settings(
      Path indexDir,
      Optional<Path> photos,
      int total,
      int hnswM,
      int beamWidth,
      long seed,
      boolean mergeToOneSegment,
      Vectors vectors) {
    public Settings {
      if (total < 1) {
        throw new IllegalArgumentException("total must be positive, got " + total);
      }
    }
  }

  /** How synthetic vectors are spread over the unit sphere. */
  public enum Vectors {
    /**
     * Uniformly (normalised Gaussians): no structure at all, the hardest case for HNSW, unlike real
     * embeddings.
     */
    UNIFORM,
    /**
     * Around {@value #CLUSTERS} random centres (like events or subjects in a photo library), each
     * vector a centre plus Gaussian noise of norm about {@value #CLUSTER_SPREAD}, normalised.
     */
    CLUSTERED;

    static final int CLUSTERS = 2000;
    static final double CLUSTER_SPREAD = 0.75;
  }

  /**
   * What the build did.
   *
   * @param images images in the index
   * @param real images with vectors from the image tower
   * @param segments index segments (HNSW graphs)
   * @param reused whether an existing index was reused (no build)
   * @param realSeconds time to index the real photos
   * @param syntheticSeconds time to add the synthetic images, commits included
   * @param mergeSeconds time to force-merge, 0 if not merged
   */
  public record Result(
      long images,
      long real,
      int segments,
      boolean reused,
      double realSeconds,
      double syntheticSeconds,
      double mergeSeconds) {}

  private final ClipModel model;
  private final ModelManifest manifest;
  private final Consumer<String> log;

  /**
   * @param model the model for the real photos
   * @param manifest recorded in the index, naming the model's folder
   * @param log progress lines
   */
  public LoadIndexBuilder(ClipModel model, ModelManifest manifest, Consumer<String> log) {
    this.model = model;
    this.manifest = manifest;
    this.log = log;
  }

  /** Builds the index, or reuses one of the right size and model. */
  public Result build(Settings settings) throws IOException, InterruptedException {
    Path dir = settings.indexDir();
    Map<String, String> fingerprint = fingerprint(settings);
    Optional<Result> existing = existing(dir, fingerprint);
    if (existing.isPresent()) {
      log.accept("reusing the " + existing.get().images() + "-image index at " + dir);
      return existing.get();
    }
    wipe(dir);
    IndexConfig config =
        IndexConfig.forModel(manifest).withHnsw(settings.hnswM(), settings.beamWidth());
    long real = 0;
    double realSeconds = 0;
    double syntheticSeconds;
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, config)) {
      if (settings.photos().isPresent()) {
        long t0 = System.nanoTime();
        log.accept("indexing the photos of " + settings.photos().get() + " ...");
        real =
            new ImageIndexer(
                    ImageEncoder.of(model),
                    store,
                    IndexingOptions.defaults(List.of(settings.photos().get())),
                    new ImageDecoder(),
                    Set.of(dir),
                    IndexingListener.NONE)
                .run()
                .indexed();
        realSeconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(Locale.ROOT, "%d photos indexed in %.1f s", real, realSeconds));
      }
      long t0 = System.nanoTime();
      SplittableRandom random = new SplittableRandom(settings.seed());
      int dim = manifest.dimension();
      // duplicates among the photos share a vector but are images of their own
      real = store.stats().images();
      long synthetic = Math.max(0, settings.total() - real);
      Map<String, String> summary = new java.util.HashMap<>(fingerprint);
      summary.put(REAL_KEY, Long.toString(real));
      float[][] centres = new float[Vectors.CLUSTERS][];
      SplittableRandom centreRandom = new SplittableRandom(~settings.seed());
      for (int c = 0; c < centres.length; c++) {
        centres[c] = randomUnitVector(dim, centreRandom);
      }
      for (long i = 0; i < synthetic; i++) {
        float[] v =
            settings.vectors() == Vectors.UNIFORM
                ? randomUnitVector(dim, random)
                : nearCentre(centres[random.nextInt(centres.length)], random);
        store.upsert(syntheticRecord(i, random), v);
        if ((i + 1) % COMMIT_EVERY == 0 || i + 1 == synthetic) {
          store.commit();
          log.accept(
              String.format(
                  Locale.ROOT,
                  "%d/%d synthetic images committed (%.0f s)",
                  i + 1,
                  synthetic,
                  (System.nanoTime() - t0) / 1e9));
        }
      }
      if (synthetic == 0) {
        store.commit();
      }
      syntheticSeconds = (System.nanoTime() - t0) / 1e9;
      double mergeSeconds = 0;
      if (settings.mergeToOneSegment()) {
        log.accept("merging " + store.segments() + " segments into one ...");
        long m0 = System.nanoTime();
        store.forceMerge(1);
        mergeSeconds = (System.nanoTime() - m0) / 1e9;
        log.accept(String.format(Locale.ROOT, "merged in %.1f s", mergeSeconds));
      }
      writeFingerprint(dir, summary);
      return new Result(
          store.stats().images(),
          real,
          store.segments(),
          false,
          realSeconds,
          syntheticSeconds,
          mergeSeconds);
    }
  }

  /** A made-up record: a camera-sized JPEG taken in the folder's year. */
  static ImageRecord syntheticRecord(long n, SplittableRandom random) {
    int year = 2015 + (int) (n % 10);
    int album = (int) ((n / 10) % ALBUMS_PER_YEAR);
    Path path =
        Path.of(
            SYNTHETIC_ROOT,
            Integer.toString(year),
            String.format(Locale.ROOT, "album-%02d", album),
            String.format(Locale.ROOT, "%06d.jpg", n));
    Instant taken =
        Instant.parse(year + "-01-01T00:00:00Z").plusSeconds(random.nextLong(365L * 24 * 3600));
    boolean portrait = random.nextInt(4) == 0;
    ImageMetadata meta =
        new ImageMetadata(
            portrait ? 3024 : 4032,
            portrait ? 4032 : 3024,
            "jpeg",
            Optional.of(taken),
            Optional.of("Synthetic"),
            Optional.of("Camera " + (char) ('A' + random.nextInt(5))),
            Optional.empty());
    byte[] hash = new byte[32];
    for (int i = 0; i < hash.length; i += 8) {
      long bits = random.nextLong();
      for (int b = 0; b < 8; b++) {
        hash[i + b] = (byte) (bits >>> (8 * b));
      }
    }
    return ImageRecord.of(
        path,
        200_000 + random.nextInt(8_000_000),
        taken.toEpochMilli() + random.nextInt(86_400_000),
        HexFormat.of().formatHex(hash),
        meta);
  }

  /** A centre plus Gaussian noise of norm about {@link Vectors#CLUSTER_SPREAD}, normalised. */
  static float[] nearCentre(float[] centre, SplittableRandom random) {
    double sigma = Vectors.CLUSTER_SPREAD / Math.sqrt(centre.length);
    float[] v = new float[centre.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (centre[i] + sigma * random.nextGaussian());
      norm += (double) v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  /** A uniformly random direction: a normalised vector of Gaussians. */
  public static float[] randomUnitVector(int dim, SplittableRandom random) {
    float[] v = new float[dim];
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      double g = random.nextGaussian();
      v[i] = (float) g;
      norm += g * g;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dim; i++) {
      v[i] *= inv;
    }
    return v;
  }

  /** What an index must have been built with to be reused, as recorded next to its files. */
  private Map<String, String> fingerprint(Settings s) {
    Map<String, String> f = new java.util.HashMap<>();
    if (s.vectors() != Vectors.UNIFORM) {
      f.put("bench.vectors", s.vectors().name());
    }
    f.putAll(
        Map.of(
            "bench.total", Integer.toString(s.total()),
            "bench.hnswM", Integer.toString(s.hnswM()),
            "bench.beamWidth", Integer.toString(s.beamWidth()),
            "bench.seed", Long.toString(s.seed()),
            "bench.merged", Boolean.toString(s.mergeToOneSegment()),
            "bench.photos",
                s.photos().map(p -> p.toAbsolutePath().normalize().toString()).orElse(""),
            "bench.model", manifest.modelId()));
    return f;
  }

  private static Optional<Result> existing(Path dir, Map<String, String> fingerprint) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      Map<String, String> recorded = readFingerprint(dir);
      var stats = store.stats();
      if (!recorded.entrySet().containsAll(fingerprint.entrySet())
          || stats.images() != Long.parseLong(fingerprint.get("bench.total"))) {
        return Optional.empty();
      }
      long real = Long.parseLong(recorded.getOrDefault(REAL_KEY, "0"));
      return Optional.of(new Result(stats.images(), real, store.segments(), true, 0, 0, 0));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Records what the index was built with, next to its files, once it is complete: a build that
   * stopped early leaves no fingerprint and is rebuilt.
   */
  private static void writeFingerprint(Path dir, Map<String, String> fingerprint)
      throws IOException {
    Path tmp = dir.resolve(FINGERPRINT_FILE + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(new java.util.TreeMap<>(fingerprint)));
    Files.move(
        tmp,
        dir.resolve(FINGERPRINT_FILE),
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static Map<String, String> readFingerprint(Path dir) throws IOException {
    Path file = dir.resolve(FINGERPRINT_FILE);
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    return JSON.readValue(
        file.toFile(), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
  }

  /** Removes the files of a previous index (a flat folder of Lucene files). */
  private static void wipe(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          Files.delete(f);
        }
      }
    }
  }
}
