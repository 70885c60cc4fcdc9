package dev.glimpse.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks {@code Authorization: Bearer KEY}. The key and the presented value are both hashed before
 * a constant-time comparison, so neither the content nor the length of the key leaks through
 * timing.
 */
final class ApiKeyAuth implements Handler {
  private static final String SCHEME = "bearer ";

  private final byte[] keyDigest;

  ApiKeyAuth(String key) {
    this.keyDigest = sha256(key);
  }

  @Override
  public void handle(Context ctx) {
    if (ctx.method().name().equals("OPTIONS")) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized("missing API key: send Authorization: Bearer KEY");
    }
    if (header.length() <= SCHEME.length()
        || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      throw ApiException.unauthorized("the Authorization header must be Bearer KEY");
    }
    byte[] presented = sha256(header.substring(SCHEME.length()).strip());
    if (!MessageDigest.isEqual(presented, keyDigest)) {
      throw ApiException.unauthorized("wrong API key");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
