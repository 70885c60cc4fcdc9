package dev.glimpse.core.hub;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one blob to {@code <blob>.incomplete}, resuming a previous partial download with a
 * {@code Range} request, verifies it, and moves it atomically into place.
 */
final class BlobDownloader {

  private static final Logger LOG = LoggerFactory.getLogger(BlobDownloader.class);
  private static final int BUFFER = 1 << 16;

  /** A transfer that receives nothing for this long is abandoned (and resumed next time). */
  static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  private final HttpTransport transport;
  private final HubConfig config;

  BlobDownloader(HttpTransport transport, HubConfig config) {
    this.transport = transport;
    this.config = config;
  }

  /**
   * Fetches the content into {@code blob}.
   *
   * @throws HubException on HTTP errors, interrupted transfers (the partial file is kept for
   *     resuming) and integrity failures (the partial file is deleted)
   */
  void fetch(ModelRef ref, String file, FileMetadata meta, Path blob, DownloadProgress progress)
      throws IOException {
    Files.createDirectories(blob.getParent());
    Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
    long have = Files.isRegularFile(part) ? Files.size(part) : 0;
    boolean complete = false;
    for (int attempt = 0; attempt < 2 && !complete; attempt++) {
      if (have > 0) {
        LOG.info("Resuming download of {} of {} at byte {}", file, ref, have);
      }
      HttpResponse<InputStream> response;
      try {
        response = transport.get(meta.location(), have);
      } catch (HubException e) {
        throw e;
      } catch (IOException e) {
        throw HubErrors.unreachable(config.endpoint(), ref, HubErrors.describe(e), e);
      }
      int status = response.statusCode();
      if (status == 416) {
        response.body().close();
        if (meta.size() >= 0 && have == meta.size()) {
          complete = true; // the partial file already holds everything
        } else {
          Files.deleteIfExists(part);
          have = 0;
        }
        continue;
      }
      if (status != 200 && status != 206) {
        response.body().close();
        throw HubClient.statusError(config, ref, file, response);
      }
      if (status == 206 && (have == 0 || !rangeStartsAt(response, have))) {
        response.body().close(); // a range we did not ask for: start over
        Files.deleteIfExists(part);
        have = 0;
        continue;
      }
      boolean append = status == 206;
      if (!append) {
        have = 0; // the server ignored the range and sends everything
      }
      long length = FileMetadata.longHeader(response.headers(), "Content-Length").orElse(-1);
      long total = length >= 0 ? have + length : meta.size();
      have =
          copy(
              ref,
              file,
              response,
              part,
              append,
              have,
              new ThrottledProgress(progress, file, total));
      complete = true;
    }
    if (!complete) {
      throw HubErrors.protocol(
          "The server kept refusing the byte range for " + file + " of " + ref);
    }
    verify(ref, file, meta, part);
    HubCache.moveAtomically(part, blob);
  }

  private static boolean rangeStartsAt(HttpResponse<?> response, long from) {
    return response
        .headers()
        .firstValue("Content-Range")
        .map(r -> r.strip().startsWith("bytes " + from + "-"))
        .orElse(true);
  }

  private long copy(
      ModelRef ref,
      String file,
      HttpResponse<InputStream> response,
      Path part,
      boolean append,
      long start,
      ThrottledProgress progress)
      throws IOException {
    long done = start;
    long expectedEnd = FileMetadata.longHeader(response.headers(), "Content-Length").orElse(-1);
    if (expectedEnd >= 0) {
      expectedEnd += start;
    }
    StandardOpenOption mode =
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (InputStream in = response.body();
        FileChannel out =
            FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      byte[] buffer = new byte[BUFFER];
      progress.update(done);
      try (StallWatchdog watchdog = new StallWatchdog(in, STALL_TIMEOUT)) {
        try {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            watchdog.progressed();
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
              out.write(chunk);
            }
            done += n;
            progress.update(done);
          }
        } catch (IOException e) {
          throw HubErrors.interrupted(config.endpoint(), ref, file, done, e);
        }
        if (watchdog.stalled()) {
          throw HubErrors.interrupted(
              config.endpoint(),
              ref,
              file,
              done,
              new HttpTimeoutException("no data for " + STALL_TIMEOUT.toSeconds() + " s"));
        }
      }
      if (expectedEnd >= 0 && done < expectedEnd) {
        throw HubErrors.interrupted(
            config.endpoint(),
            ref,
            file,
            done,
            new EOFException("the connection ended " + (expectedEnd - done) + " bytes early"));
      }
    }
    progress.finish(done);
    return done;
  }

  private static void verify(ModelRef ref, String file, FileMetadata meta, Path part)
      throws IOException {
    if (meta.hasSha256()) {
      String actual = sha256(part);
      if (!actual.equals(meta.etag())) {
        Files.deleteIfExists(part);
        throw HubErrors.integrity(ref, file, meta.etag(), actual);
      }
    } else if (meta.size() >= 0 && Files.size(part) != meta.size()) {
      long actual = Files.size(part);
      Files.deleteIfExists(part);
      throw HubErrors.sizeMismatch(ref, file, meta.size(), actual);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
