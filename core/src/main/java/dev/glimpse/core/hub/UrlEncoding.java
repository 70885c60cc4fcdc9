package dev.glimpse.core.hub;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of URL path parts, as Python's {@code urllib.parse.quote}. */
final class UrlEncoding {

  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  private UrlEncoding() {}

  /**
   * Encodes every byte outside the unreserved set.
   *
   * @param text the text to encode
   * @param keepSlash whether {@code /} stays as is (file paths) or is encoded (revisions)
   */
  static String encode(String text, boolean keepSlash) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c < 128 && UNRESERVED.indexOf(c) >= 0) || (keepSlash && c == '/')) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
