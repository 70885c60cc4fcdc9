package dev.glimpse.api;

import dev.glimpse.core.image.ImageDecodeException;
import java.io.IOException;
import java.util.Optional;

/** Query vectors from the image parts of a request: an uploaded image or an indexed id. */
final class Uploads {
  private Uploads() {}

  /** The embedding of uploaded bytes; undecodable images are 422, unsupported formats 415. */
  static float[] encode(SearchService.Session service, byte[] bytes) {
    try {
      return service.imageVector(bytes);
    } catch (ImageDecodeException e) {
      throw switch (e.reason()) {
        case UNSUPPORTED_FORMAT ->
            ApiException.unsupportedMediaType("image: format not supported (" + reason(e) + ")");
        case TOO_MANY_PIXELS ->
            ApiException.tooLarge("image: more pixels than the upload limit allows");
        default -> ApiException.undecodableImage("image: cannot be decoded (" + reason(e) + ")");
      };
    }
  }

  /** The stored vector of an indexed image, or 404. */
  static float[] stored(SearchService.Session service, String field, String rawId)
      throws IOException {
    String id = Params.id(rawId);
    Optional<float[]> v = service.storedVector(id);
    return v.orElseThrow(() -> ApiException.notFound(field + ": no indexed image has id " + id));
  }

  private static String reason(ImageDecodeException e) {
    return e.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
