package dev.glimpse.api;

import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.index.ImageRecord;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code GET /api/images/{id}} (the original file) and {@code GET /api/images/{id}/thumbnail} (a
 * cached, upright JPEG). The id is validated, looked up in the index, and the path comes from the
 * index: nothing a client sends ever becomes a file path.
 */
final class ImageController {
  private static final String ORIGINAL_CACHE = "private, max-age=3600";
  private static final String THUMBNAIL_CACHE = "private, max-age=86400";

  private final SearchService service;

  ImageController(SearchService service) {
    this.service = service;
  }

  void original(Context ctx) throws IOException {
    ImageRecord record = record(ctx);
    String etag = "\"" + record.hash() + "\"";
    if (notModified(ctx, etag, ORIGINAL_CACHE)) {
      return;
    }
    Path file = Path.of(record.path());
    InputStream in;
    long size;
    try {
      size = Files.size(file);
      in = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("the file of image " + record.id() + " no longer exists");
    }
    ctx.header("ETag", etag)
        .header("Cache-Control", ORIGINAL_CACHE)
        .header("Content-Length", Long.toString(size))
        .contentType(contentType(record.metadata().format()))
        .result(in);
  }

  void thumbnail(Context ctx) throws IOException {
    ImageRecord record = record(ctx);
    int size =
        ctx.queryParamAsClass("size", Integer.class)
            .check(
                s ->
                    s == null
                        || (s >= ThumbnailRenderer.MIN_SIZE && s <= ThumbnailRenderer.MAX_SIZE),
                "must be between "
                    + ThumbnailRenderer.MIN_SIZE
                    + " and "
                    + ThumbnailRenderer.MAX_SIZE)
            .getOrDefault(ThumbnailRenderer.DEFAULT_SIZE);
    String etag = "\"" + record.hash() + "-" + size + "\"";
    if (notModified(ctx, etag, THUMBNAIL_CACHE)) {
      return;
    }
    byte[] jpeg;
    try {
      jpeg = service.thumbnail(record, size);
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("the file of image " + record.id() + " no longer exists");
    } catch (ImageDecodeException e) {
      throw ApiException.undecodableImage("image " + record.id() + " can no longer be decoded");
    }
    ctx.header("ETag", etag)
        .header("Cache-Control", THUMBNAIL_CACHE)
        .contentType("image/jpeg")
        .result(jpeg);
  }

  private ImageRecord record(Context ctx) throws IOException {
    String id = Params.id(ctx.pathParam("id"));
    return service
        .image(id)
        .orElseThrow(() -> ApiException.notFound("no indexed image has id " + id));
  }

  /** Answers 304 when the client's copy is current. */
  private static boolean notModified(Context ctx, String etag, String cacheControl) {
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",", -1)) {
      String c = candidate.strip();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(etag)) {
        ctx.status(304).header("ETag", etag).header("Cache-Control", cacheControl);
        return true;
      }
    }
    return false;
  }

  static String contentType(String format) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> "image/jpeg";
      case "png" -> "image/png";
      case "webp" -> "image/webp";
      case "gif" -> "image/gif";
      case "bmp" -> "image/bmp";
      case "tiff", "tif" -> "image/tiff";
      default -> "application/octet-stream";
    };
  }
}
