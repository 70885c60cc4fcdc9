package dev.glimpse.api;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;

/**
 * The service's metrics: requests by route and status, latency by route, encoder time, and the
 * index's image count and size, read at scrape time.
 */
final class ApiMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final MetricsRegistry.Counter requests;
  private final MetricsRegistry.Histogram latency;

  ApiMetrics(MetricsRegistry registry, SearchService service) {
    requests =
        registry.counter(
            "glimpse_http_requests_total",
            "HTTP requests by method, route and status.",
            "method",
            "route",
            "status");
    latency =
        registry.histogram(
            "glimpse_http_request_duration_seconds",
            "HTTP request latency by route.",
            LATENCY_BUCKETS,
            "method",
            "route");
    registry.register(service.encoderSeconds());
    registry.gauge(
        "glimpse_index_images",
        "Images in the index, as of the current view.",
        () -> stat(service, true));
    registry.gauge(
        "glimpse_index_size_bytes", "Size of the index files on disk.", () -> stat(service, false));
  }

  private static double stat(SearchService service, boolean images) {
    try {
      var s = service.stats();
      return images ? s.images() : s.sizeBytes();
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
  }

  /** Records one finished request (Javalin's request logger hook). */
  void record(Context ctx, Float ms) {
    String route = route(ctx);
    String method = ctx.method().name();
    requests.inc(method, route, Integer.toString(ctx.statusCode()));
    latency.observe(ms / 1000.0, method, route);
  }

  /** The route template, never the raw path, so that labels stay few. */
  private static String route(Context ctx) {
    Endpoint e = null;
    try {
      e = ctx.endpoints().matchedHttpEndpoint();
    } catch (RuntimeException ignored) {
      // No endpoint matched.
    }
    if (e != null) {
      return e.path;
    }
    return ctx.statusCode() == 404 ? "unmatched" : "static";
  }
}
