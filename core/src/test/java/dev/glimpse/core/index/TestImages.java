package dev.glimpse.core.index;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

/** Hand-made records and vectors for index tests. */
final class TestImages {
  private TestImages() {}

  /** The unit vector along axis {@code i} of {@code dim}. */
  static float[] axis(int dim, int i) {
    float[] v = new float[dim];
    v[i] = 1f;
    return v;
  }

  /** {@code v} normalised to unit length. */
  static float[] unit(float... v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(sum));
    }
    return out;
  }

  /** A random unit vector. */
  static float[] random(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return unit(v);
  }

  /**
   * A last run that indexed {@code indexed} images in {@code seconds}, one corrupt file skipped.
   */
  static LastRun lastRun(long indexed, double seconds) {
    return new LastRun(
        Instant.parse("2026-01-02T03:04:05Z"),
        indexed,
        0,
        0,
        0,
        java.util.Map.of("corrupt", 1L),
        seconds);
  }

  /** A record for a path, with a hash derived from the path unless given. */
  static ImageRecord record(String path) {
    return record(path, "hash-" + path, Optional.empty());
  }

  static ImageRecord record(String path, String hash, Optional<Instant> takenAt) {
    ImageMetadata md =
        new ImageMetadata(
            640,
            480,
            "jpeg",
            takenAt,
            Optional.of("Canon"),
            Optional.of("Canon PowerShot S330"),
            Optional.of(new GeoPoint(48.8578, 2.297)));
    return ImageRecord.of(Path.of(path), 1234, 1_700_000_000_000L, hash, md);
  }
}
