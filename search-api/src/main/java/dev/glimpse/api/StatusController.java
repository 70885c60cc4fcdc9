package dev.glimpse.api;

import dev.glimpse.core.index.IndexStats;
import dev.glimpse.core.index.LastRun;
import dev.glimpse.core.index.ModelManifest;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/stats}, {@code /health}, {@code /metrics} and {@code /api/openapi.json}. */
final class StatusController {
  private static final String OPENAPI = "/dev/glimpse/api/openapi.json";

  private final SearchService service;
  private final MetricsRegistry metrics;
  private final byte[] openApi;

  StatusController(SearchService service, MetricsRegistry metrics) {
    this.service = service;
    this.metrics = metrics;
    try (InputStream in = StatusController.class.getResourceAsStream(OPENAPI)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI);
      }
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + OPENAPI, e);
    }
  }

  void stats(Context ctx) throws IOException {
    IndexStats stats;
    String generation;
    try (SearchService.Session session = service.session()) {
      stats = session.stats();
      generation = session.generation();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("images", stats.images());
    body.put("model", stats.model().map(StatusController::model).orElse(null));
    body.put("dimension", stats.dimension());
    body.put("sizeBytes", stats.sizeBytes());
    body.put("generation", generation);
    body.put("lastRun", stats.lastRun().map(LastRun::toMap).orElse(null));
    ctx.json(body);
  }

  private static Map<String, Object> model(ModelManifest m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.modelId());
    out.put("revision", m.revision().orElse(null));
    out.put("dimension", m.dimension());
    out.put("family", m.family());
    out.put("preprocess", m.preprocess());
    out.put("precision", m.precision());
    return out;
  }

  void health(Context ctx) {
    ctx.json(Map.of("status", "ok"));
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  void openApi(Context ctx) {
    ctx.contentType("application/json").result(openApi);
  }
}
