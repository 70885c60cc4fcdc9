package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.ModelManifest;
import java.util.Optional;

/** The manifest of the benchmarks' temporary indexes: the loaded model, named by its role. */
final class BenchManifest {
  private BenchManifest() {}

  static ModelManifest of(ClipModel model) {
    return new ModelManifest(
        "bench-random",
        Optional.empty(),
        model.dimension(),
        model.preprocess().describe(),
        model.engineDescription());
  }
}
