package dev.glimpse.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.util.Map;

/**
 * The HTTP app: the JSON API under {@code /api}, {@code /health}, {@code /metrics}, and the web UI
 * from the classpath folder {@code /glimpse/webui} at {@code /}.
 *
 * <pre>{@code
 * Javalin app = SearchApp.create(service, ApiConfig.forHost("127.0.0.1", Optional.empty()));
 * app.start("127.0.0.1", 7070);
 * }</pre>
 */
public final class SearchApp {
  /** Where the web UI's static files live on the classpath. */
  public static final String WEBUI_RESOURCES = "/glimpse/webui";

  /** The Content-Security-Policy of every response: same-origin scripts, styles and images. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline';"
          + " script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "Content-Security-Policy", CONTENT_SECURITY_POLICY,
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY");

  private SearchApp() {}

  /**
   * Builds the app, not started. The background index refresher starts and stops with the server.
   *
   * @param service the index, model and caches
   * @param config limits and security settings
   * @return the app; call {@link Javalin#start(String, int)} with {@code config.host()}
   */
  public static Javalin create(SearchService service, ApiConfig config) {
    ObjectMapper mapper = new ObjectMapper();
    MetricsRegistry registry = new MetricsRegistry();
    ApiMetrics metrics = new ApiMetrics(registry, service);
    IndexRefresher refresher = new IndexRefresher(service, config.refreshInterval());
    SearchController search = new SearchController(service, config, mapper);
    ImageController images = new ImageController(service);
    ClassifyController classify = new ClassifyController(service, config, mapper);
    StatusController status = new StatusController(service, registry);

    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.startup.showOldJavalinVersionWarning = false;
          cfg.jsonMapper(new JavalinJackson(mapper, false));
          cfg.http.maxRequestSize = config.maxRequestBytes();
          cfg.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
          cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxRequestBytes(), SizeUnit.BYTES);
          cfg.jetty.multipartConfig.maxInMemoryFileSize(1024 * 1024, SizeUnit.BYTES);
          cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
          cfg.staticFiles.add(
              files -> {
                files.hostedPath = "/";
                files.directory = WEBUI_RESOURCES;
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
              });
          cfg.requestLogger.http(metrics::record);
          cfg.events.serverStarted(refresher::start);
          cfg.events.serverStopping(refresher::stop);

          var routes = cfg.routes;
          ErrorMapper.register(routes);
          routes.before(SearchApp::securityHeaders);
          if (config.requireApiKey()) {
            ApiKeyAuth auth = new ApiKeyAuth(config.apiKey().orElseThrow());
            routes.before("/api/*", auth);
            routes.before("/metrics", auth);
          }
          // Unknown query parameters are 400s (AllowedFields); POST bodies check their fields.
          routes.get("/health", AllowedFields.noQuery(status::health));
          routes.get("/metrics", AllowedFields.noQuery(status::metrics));
          routes.get("/api/openapi.json", AllowedFields.noQuery(status::openApi));
          routes.get("/api/stats", AllowedFields.noQuery(status::stats));
          routes.get("/api/search", AllowedFields.query(AllowedFields.SEARCH_QUERY, search::get));
          routes.post("/api/search", search::post);
          routes.get("/api/images/{id}", AllowedFields.noQuery(images::original));
          routes.get(
              "/api/images/{id}/thumbnail",
              AllowedFields.query(AllowedFields.THUMBNAIL_QUERY, images::thumbnail));
          routes.post("/api/classify", classify::post);
        });
  }

  private static void securityHeaders(Context ctx) {
    SECURITY_HEADERS.forEach(ctx::header);
  }
}
