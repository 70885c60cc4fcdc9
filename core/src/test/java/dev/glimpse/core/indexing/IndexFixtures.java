package dev.glimpse.core.indexing;

import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Shared setup for indexing tests: the tiny fixture model and the repository's sample photos. */
final class IndexFixtures {
  private IndexFixtures() {}

  static ClipModel tinyModel() throws Exception {
    return ClipModel.load(ClipCheckpoint.open(resource("/fixtures/tiny-clip-hf")));
  }

  static Path resource(String name) {
    try {
      return Path.of(IndexFixtures.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  /** The repository's samples/photos folder (surefire runs in the module folder). */
  static Path samplePhotos() {
    Path p = Path.of("..", "samples", "photos").toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("sample photos not found at " + p);
    }
    return p;
  }

  /** Copies the first {@code n} sample photos (sorted by name) into {@code dir}. */
  static List<Path> copySamples(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(samplePhotos())) {
      List<Path> chosen = files.sorted().limit(n).toList();
      for (Path f : chosen) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
      return chosen.stream().map(f -> dir.resolve(f.getFileName())).toList();
    }
  }

  /** The real model's image tower, counting the images it encodes. */
  static final class CountingEncoder implements ImageEncoder {
    private final ImageEncoder delegate;
    final AtomicLong images = new AtomicLong();

    CountingEncoder(ClipModel model) {
      this.delegate = ImageEncoder.of(model);
    }

    @Override
    public PreprocessConfig preprocess() {
      return delegate.preprocess();
    }

    @Override
    public float[][] encode(float[] pixels, int count) {
      images.addAndGet(count);
      return delegate.encode(pixels, count);
    }
  }
}
