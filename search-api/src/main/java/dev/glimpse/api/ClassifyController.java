package dev.glimpse.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.clip.ZeroShotClassifier;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** {@code POST /api/classify}: zero-shot labels for an indexed or uploaded image. */
final class ClassifyController {
  private final SearchService service;
  private final ApiConfig config;
  private final ObjectMapper mapper;

  ClassifyController(SearchService service, ApiConfig config, ObjectMapper mapper) {
    this.service = service;
    this.config = config;
    this.mapper = mapper;
  }

  /** One label and its probability. */
  public record Prediction(String label, float probability) {}

  /** The response. */
  public record Predictions(List<Prediction> predictions) {}

  void post(Context ctx) throws IOException {
    AllowedFields.requireQuery(ctx, java.util.Set.of());
    RequestFields body = RequestFields.read(ctx, mapper, config).only(AllowedFields.CLASSIFY_BODY);
    List<String> labels = body.strings("labels");
    if (labels.isEmpty() || labels.size() > Params.MAX_LABELS) {
      throw ApiException.badRequest(
          "labels: give 1 to " + Params.MAX_LABELS + " labels, got " + labels.size());
    }
    checkTexts("labels", labels);
    List<String> templates = body.strings("templates");
    boolean ensemble = body.bool("ensemble").orElse(false);
    if (ensemble && !templates.isEmpty()) {
      throw ApiException.badRequest("give either templates or ensemble, not both");
    }
    if (templates.size() > Params.MAX_TEMPLATES) {
      throw ApiException.badRequest(
          "templates: at most " + Params.MAX_TEMPLATES + ", got " + templates.size());
    }
    checkTexts("templates", templates);
    for (String t : templates) {
      if (!t.contains("{}")) {
        throw ApiException.badRequest("templates: '" + t + "' has no {} placeholder");
      }
    }
    if (templates.isEmpty()) {
      templates =
          ensemble
              ? ZeroShotClassifier.imagenetTemplates()
              : List.of(ZeroShotClassifier.DEFAULT_TEMPLATE);
    }
    Optional<String> imageId = body.string("imageId");
    Optional<byte[]> upload = body.image();
    if (imageId.isPresent() == upload.isPresent()) {
      throw ApiException.badRequest("give exactly one of imageId or image");
    }
    try (SearchService.Session session = service.session()) {
      float[] vector =
          imageId.isPresent()
              ? Uploads.stored(session, "imageId", imageId.get())
              : Uploads.encode(session, upload.get());
      List<Prediction> predictions =
          session.classify(vector, labels, templates).stream()
              .map(p -> new Prediction(p.label(), p.probability()))
              .toList();
      ctx.json(new Predictions(predictions));
    }
  }

  private static void checkTexts(String field, List<String> texts) {
    for (String t : texts) {
      if (t.isBlank()) {
        throw ApiException.badRequest(field + ": entries must not be empty");
      }
      if (t.length() > Params.MAX_LABEL_CHARS) {
        throw ApiException.badRequest(
            field + ": entries must be at most " + Params.MAX_LABEL_CHARS + " chars");
      }
    }
  }
}
