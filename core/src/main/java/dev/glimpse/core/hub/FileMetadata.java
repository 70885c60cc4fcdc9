package dev.glimpse.core.hub;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the hub says about one file: the commit its revision resolves to, its etag (a sha256 for LFS
 * files, a git blob sha1 otherwise), its size if announced, and where to fetch its content.
 */
record FileMetadata(String commit, String etag, long size, URI location) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** Whether the etag is a sha256 of the content, which is then verified after download. */
  boolean hasSha256() {
    return SHA256.matcher(etag).matches();
  }

  /**
   * Reads the metadata from a {@code resolve} response. The hub puts {@code X-Repo-Commit} and
   * {@code X-Linked-Etag} on its own (possibly 302) answer, not on the CDN's, so the response that
   * carries them is looked for along the redirect chain, first answer first.
   *
   * @param last the last response (its {@link HttpResponse#previousResponse()} chain is searched)
   * @param location where the content can be fetched
   */
  static FileMetadata from(HttpResponse<?> last, URI location) throws HubException {
    List<HttpResponse<?>> chain = new ArrayList<>();
    for (HttpResponse<?> r = last; r != null; r = r.previousResponse().orElse(null)) {
      chain.add(0, r);
    }
    HttpResponse<?> hub = last;
    for (HttpResponse<?> r : chain) {
      HttpHeaders h = r.headers();
      if (h.firstValue("X-Repo-Commit").isPresent() || h.firstValue("X-Linked-Etag").isPresent()) {
        hub = r;
        break;
      }
    }
    HttpHeaders headers = hub.headers();
    String commit = headers.firstValue("X-Repo-Commit").map(String::strip).orElse(null);
    String rawEtag =
        headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag")).orElse(null);
    String etag = rawEtag == null ? null : normalizeEtag(rawEtag);
    if (etag == null || etag.isEmpty()) {
      throw HubErrors.protocol(
          "The hub sent no ETag for " + hub.uri() + "; is HF_ENDPOINT a Hugging Face hub?");
    }
    if (!SAFE_ETAG.matcher(etag).matches()) {
      throw HubErrors.protocol("The hub sent a malformed ETag '" + rawEtag + "' for " + hub.uri());
    }
    if (commit != null && !commit.matches("[0-9A-Za-z]{1,64}")) {
      throw HubErrors.protocol(
          "The hub sent a malformed X-Repo-Commit '" + commit + "' for " + hub.uri());
    }
    long size = longHeader(headers, "X-Linked-Size").orElse(-1);
    if (hub.statusCode() == 200 && size < 0 && "GET".equals(hub.request().method())) {
      size = longHeader(headers, "Content-Length").orElse(-1);
    }
    return new FileMetadata(commit, etag, size, location);
  }

  /** Strips a weak-validator prefix and quotes; sha256 hex is lower-cased. */
  static String normalizeEtag(String raw) {
    String etag = raw.strip();
    if (etag.startsWith("W/")) {
      etag = etag.substring(2);
    }
    if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      etag = etag.substring(1, etag.length() - 1);
    }
    String lower = etag.toLowerCase(Locale.ROOT);
    return SHA256.matcher(lower).matches() ? lower : etag;
  }

  static OptionalLong longHeader(HttpHeaders headers, String name) {
    try {
      return headers
          .firstValue(name)
          .map(v -> OptionalLong.of(Long.parseLong(v.strip())))
          .orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
