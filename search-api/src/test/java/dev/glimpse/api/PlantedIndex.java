package dev.glimpse.api;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * An index with a known relevant set for one text query, which the fixture model's random vectors
 * cannot give: random unit vectors for the background, and planted vectors close to the model's own
 * embedding of the query (cosine about 0.99: strong) or nearer the bulk (about 0.65: weak). Every
 * record is a hard link to one sample photo, so files and thumbnails are real. Photo i was taken on
 * day i of 2020, except every fourth, which has no EXIF date and falls back to its file time.
 */
final class PlantedIndex {
  final Set<String> strong = new HashSet<>();
  final Set<String> weak = new HashSet<>();
  final int images;

  private PlantedIndex(int images) {
    this.images = images;
  }

  static PlantedIndex build(
      ClipModel model, Path dir, String query, int background, int strong, int weak)
      throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos"));
    Path source = TestIndex.sample("plant-flower.jpg");
    Path original = Files.copy(source, photos.resolve("original.jpg"));
    float[] q = model.encodeTexts(List.of(query))[0];
    int dim = q.length;
    Random r = new Random(17);
    PlantedIndex out = new PlantedIndex(background + strong + weak);
    try (LuceneVectorStore store =
        LuceneVectorStore.open(
            dir.resolve("index"), IndexConfig.forModel(TestIndex.manifest(model)))) {
      for (int i = 0; i < out.images; i++) {
        double noise = i < strong ? 0.03 : i < strong + weak ? 0.2 : -1;
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = (float) (noise < 0 ? r.nextGaussian() : q[d] + noise * r.nextGaussian());
        }
        Path file = photos.resolve("photo-" + i + ".jpg");
        Files.createLink(file, original);
        Instant day = Instant.parse("2020-01-01T00:00:00Z").plusSeconds(86_400L * i);
        ImageMetadata md =
            new ImageMetadata(
                640,
                480,
                "jpeg",
                i % 4 == 3 ? Optional.empty() : Optional.of(day),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        long mtime = Instant.parse("2019-01-01T00:00:00Z").toEpochMilli() + 3_600_000L * i;
        store.upsert(
            ImageRecord.of(
                file, Files.size(file), mtime, String.format(Locale.ROOT, "%064x", i), md),
            normalise(v));
        String id =
            store.getByPath(file.toAbsolutePath().normalize().toString()).orElseThrow().id();
        if (i < strong) {
          out.strong.add(id);
        } else if (i < strong + weak) {
          out.weak.add(id);
        }
      }
      store.commit();
    }
    return out;
  }

  /**
   * An index of the given vectors (normalised), one hard link to a sample photo each, no dates.
   *
   * @return the images' ids, in the order of the vectors
   */
  static List<String> write(ClipModel model, Path dir, List<float[]> vectors) throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos"));
    Path original =
        Files.copy(TestIndex.sample("plant-flower.jpg"), photos.resolve("original.jpg"));
    List<String> ids = new java.util.ArrayList<>();
    try (LuceneVectorStore store =
        LuceneVectorStore.open(
            dir.resolve("index"), IndexConfig.forModel(TestIndex.manifest(model)))) {
      for (int i = 0; i < vectors.size(); i++) {
        Path file = photos.resolve("photo-" + i + ".jpg");
        Files.createLink(file, original);
        ImageMetadata md =
            new ImageMetadata(
                640,
                480,
                "jpeg",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        store.upsert(
            ImageRecord.of(
                file, Files.size(file), 0, String.format(java.util.Locale.ROOT, "%064x", i), md),
            normalise(vectors.get(i)));
        ids.add(store.getByPath(file.toAbsolutePath().normalize().toString()).orElseThrow().id());
      }
      store.commit();
    }
    return ids;
  }

  private static float[] normalise(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }
}
