package dev.glimpse.core.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends hub requests, following redirects by hand (bounded) so that the headers of the hub's own
 * answer are seen, and sending the token only to the hub itself, never to a CDN.
 */
final class HttpTransport {

  static final int MAX_HOPS = 10;
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DOWNLOAD_HEADERS_TIMEOUT = Duration.ofSeconds(30);
  static final String USER_AGENT = "glimpse-hub/0.1 (java)";

  private final HttpClient http;
  private final URI endpoint;
  private final Optional<String> token;

  HttpTransport(HttpClient http, URI endpoint, Optional<String> token) {
    this.http = Objects.requireNonNull(http, "http");
    this.endpoint = endpoint;
    this.token = token;
  }

  /**
   * HEAD request, as {@code huggingface_hub} does it: same-host redirects (renamed repos) are
   * followed; a redirect that carries the hub's file headers (the 302 to the CDN) is returned, and
   * its {@code Location} is where the content is fetched from.
   */
  HttpResponse<Void> head(URI uri) throws IOException {
    URI current = uri;
    for (int hop = 0; hop <= MAX_HOPS; hop++) {
      HttpResponse<Void> response =
          send(
              request(current, METADATA_TIMEOUT)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()),
              HttpResponse.BodyHandlers.discarding());
      Optional<URI> next = redirectTarget(response);
      if (next.isEmpty() || hasFileHeaders(response)) {
        return response;
      }
      current = next.get();
    }
    throw HubErrors.protocol("Too many redirects (more than " + MAX_HOPS + ") from " + uri);
  }

  /** GET request from byte {@code from} on, following every redirect. The body must be closed. */
  HttpResponse<InputStream> get(URI uri, long from) throws IOException {
    URI current = uri;
    for (int hop = 0; hop <= MAX_HOPS; hop++) {
      HttpRequest.Builder builder = request(current, DOWNLOAD_HEADERS_TIMEOUT).GET();
      if (from > 0) {
        builder.header("Range", "bytes=" + from + "-");
      }
      HttpResponse<InputStream> response = send(builder, HttpResponse.BodyHandlers.ofInputStream());
      Optional<URI> next = redirectTarget(response);
      if (next.isEmpty()) {
        return response;
      }
      response.body().close();
      current = next.get();
    }
    throw HubErrors.protocol("Too many redirects (more than " + MAX_HOPS + ") from " + uri);
  }

  /** Where a 3xx answer points, resolved against the request URI. */
  static Optional<URI> redirectTarget(HttpResponse<?> response) {
    int status = response.statusCode();
    if (status < 300 || status > 399 || status == 304) {
      return Optional.empty();
    }
    return response
        .headers()
        .firstValue("Location")
        .map(location -> response.uri().resolve(location));
  }

  private static boolean hasFileHeaders(HttpResponse<?> response) {
    return response.headers().firstValue("X-Repo-Commit").isPresent()
        || response.headers().firstValue("X-Linked-Etag").isPresent();
  }

  private HttpRequest.Builder request(URI uri, Duration timeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
    if (token.isPresent() && sameOrigin(uri, endpoint)) {
      builder.header("Authorization", "Bearer " + token.get());
    }
    return builder;
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> body)
      throws IOException {
    try {
      return http.send(builder.build(), body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted");
      io.initCause(e);
      throw io;
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
