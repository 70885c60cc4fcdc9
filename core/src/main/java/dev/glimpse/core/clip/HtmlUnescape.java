package dev.glimpse.core.clip;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (CPython 3.11 {@code Lib/html/__init__.py}), which open_clip's
 * {@code basic_clean} applies twice: numeric references with the HTML5 replacement rules, the 2231
 * HTML5 named references, and the longest-prefix match for a name without its semicolon. The entity
 * table ({@code tokenizer/html5-entities.json}) was written from {@code html.entities.html5} of
 * CPython 3.11.
 */
final class HtmlUnescape {
  private static final String ENTITIES = "/dev/glimpse/core/clip/tokenizer/html5-entities.json";

  // The same pattern as CPython's _charref; Java character classes match whole code points, as
  // Python's do, so {1,32} counts the same characters.
  private static final Pattern CHARREF =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

  private static final Map<String, String> HTML5 = loadEntities();

  // _invalid_charrefs: what the HTML5 tokenizer substitutes for these numeric references.
  private static final Map<Integer, String> INVALID_CHARREFS =
      Map.ofEntries(
          Map.entry(0x00, "\ufffd"),
          Map.entry(0x0d, "\r"),
          Map.entry(0x80, "\u20ac"),
          Map.entry(0x81, "\u0081"),
          Map.entry(0x82, "\u201a"),
          Map.entry(0x83, "\u0192"),
          Map.entry(0x84, "\u201e"),
          Map.entry(0x85, "\u2026"),
          Map.entry(0x86, "\u2020"),
          Map.entry(0x87, "\u2021"),
          Map.entry(0x88, "\u02c6"),
          Map.entry(0x89, "\u2030"),
          Map.entry(0x8a, "\u0160"),
          Map.entry(0x8b, "\u2039"),
          Map.entry(0x8c, "\u0152"),
          Map.entry(0x8d, "\u008d"),
          Map.entry(0x8e, "\u017d"),
          Map.entry(0x8f, "\u008f"),
          Map.entry(0x90, "\u0090"),
          Map.entry(0x91, "\u2018"),
          Map.entry(0x92, "\u2019"),
          Map.entry(0x93, "\u201c"),
          Map.entry(0x94, "\u201d"),
          Map.entry(0x95, "\u2022"),
          Map.entry(0x96, "\u2013"),
          Map.entry(0x97, "\u2014"),
          Map.entry(0x98, "\u02dc"),
          Map.entry(0x99, "\u2122"),
          Map.entry(0x9a, "\u0161"),
          Map.entry(0x9b, "\u203a"),
          Map.entry(0x9c, "\u0153"),
          Map.entry(0x9d, "\u009d"),
          Map.entry(0x9e, "\u017e"),
          Map.entry(0x9f, "\u0178"));

  private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(Character.MAX_CODE_POINT);

  private HtmlUnescape() {}

  private static Map<String, String> loadEntities() {
    try (InputStream in = HtmlUnescape.class.getResourceAsStream(ENTITIES)) {
      if (in == null) {
        throw new IllegalStateException("HTML entity table " + ENTITIES + " is missing");
      }
      return Map.copyOf(
          new ObjectMapper().readValue(in, new TypeReference<Map<String, String>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read HTML entity table " + ENTITIES, e);
    }
  }

  /** {@code html.unescape(s)}. */
  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = CHARREF.matcher(s);
    StringBuilder out = new StringBuilder(s.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String replace(String s) {
    if (s.charAt(0) == '#') {
      boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
      String digits = s.substring(hex ? 2 : 1);
      if (digits.endsWith(";")) {
        digits = digits.substring(0, digits.length() - 1);
      }
      // Python ints are unbounded: &#99999999999; is simply too large, not an overflow.
      BigInteger big = new BigInteger(digits, hex ? 16 : 10);
      if (big.compareTo(MAX_CODE_POINT) > 0) {
        return "\ufffd";
      }
      int num = big.intValue();
      String invalid = INVALID_CHARREFS.get(num);
      if (invalid != null) {
        return invalid;
      }
      if (num >= 0xD800 && num <= 0xDFFF) {
        return "\ufffd";
      }
      if (invalidCodePoint(num)) {
        return "";
      }
      return Character.toString(num);
    }
    String whole = HTML5.get(s);
    if (whole != null) {
      return whole;
    }
    // for x in range(len(s)-1, 1, -1): the longest prefix of at least 2 code points that is a name.
    int length = s.codePointCount(0, s.length());
    for (int x = length - 1; x > 1; x--) {
      int end = s.offsetByCodePoints(0, x);
      String name = HTML5.get(s.substring(0, end));
      if (name != null) {
        return name + s.substring(end);
      }
    }
    return "&" + s;
  }

  private static final Set<Integer> OTHER_INVALID = Set.of(0xb);

  /** CPython's {@code _invalid_codepoints}. */
  private static boolean invalidCodePoint(int c) {
    return (c >= 0x1 && c <= 0x8)
        || (c >= 0xe && c <= 0x1f)
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0xfdd0 && c <= 0xfdef)
        || OTHER_INVALID.contains(c)
        || (c & 0xfffe) == 0xfffe;
  }
}
