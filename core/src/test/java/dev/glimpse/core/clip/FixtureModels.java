package dev.glimpse.core.clip;

import java.util.HashMap;
import java.util.Map;

/**
 * Fixture models loaded once per test class, by fixture, precision and engine; the class closes
 * them.
 */
final class FixtureModels implements AutoCloseable {
  private final Map<String, ClipModel> models = new HashMap<>();

  ClipModel get(String fixture, Precision precision) throws Exception {
    return get(fixture, precision, Backend.TORCH);
  }

  synchronized ClipModel get(String fixture, Precision precision, Backend backend)
      throws Exception {
    String key = fixture + "/" + precision + "/" + backend;
    ClipModel m = models.get(key);
    if (m == null) {
      m =
          ClipModel.load(
              ClipCheckpoint.open(Golden.fixture(fixture)),
              new ClipOptions(precision).withBackend(backend));
      models.put(key, m);
    }
    return m;
  }

  @Override
  public synchronized void close() {
    models.values().forEach(ClipModel::close);
    models.clear();
  }
}
