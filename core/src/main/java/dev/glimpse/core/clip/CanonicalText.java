package dev.glimpse.core.clip;

import java.text.Normalizer;
import java.util.Locale;

/**
 * open_clip's {@code clean="canonicalize"} text cleaning, which its SigLIP and SigLIP2 configs set
 * ({@code text_cfg.tokenizer_kwargs}) and which big_vision applied in training. Line numbers are
 * open_clip's {@code src/open_clip/tokenizer.py} at v2.32.0 (the same code at HEAD {@code 89fb801},
 * lines 66-139):
 *
 * <ol>
 *   <li>{@code basic_clean} (66-69): {@code ftfy.fix_text}, {@code html.unescape} twice, {@code
 *       strip()}. Of ftfy only its final Unicode NFC step is done here (ftfy's default {@code
 *       normalization="NFC"}); its mojibake, quote and width repairs are not, so text that ftfy
 *       would change can tokenize differently (the reference goldens are ftfy-invariant).
 *   <li>{@code canonicalize_text} (113-139): {@code "_"} to a space, delete every ASCII punctuation
 *       character ({@code string.punctuation}; other punctuation stays), {@code str.lower()}, then
 *       {@code " ".join(text.split())} and {@code strip()} with Python's Unicode whitespace.
 * </ol>
 */
final class CanonicalText {
  /** Python's {@code string.punctuation}. */
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private CanonicalText() {}

  /** {@code _clean_canonicalize(text)}. */
  static String clean(String text) {
    return canonicalize(basicClean(text));
  }

  static String basicClean(String text) {
    String fixed = Normalizer.normalize(text, Normalizer.Form.NFC);
    return strip(HtmlUnescape.unescape(HtmlUnescape.unescape(fixed)));
  }

  static String canonicalize(String text) {
    StringBuilder kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        kept.append(' ');
      } else if (PUNCTUATION.indexOf(c) < 0) {
        kept.append(c);
      }
    }
    // Python's str.lower() is the Unicode full lower-case mapping with the final-sigma rule, as
    // Java's toLowerCase(Locale.ROOT) is.
    String lower = kept.toString().toLowerCase(Locale.ROOT);
    return joinWords(lower);
  }

  /** {@code " ".join(s.split())}: words separated by single spaces, no outer whitespace. */
  static String joinWords(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean pendingSpace = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isPythonSpace(c)) {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.appendCodePoint(c);
      }
    }
    return out.toString();
  }

  /** {@code str.strip()} with no argument. */
  static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isPythonSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isPythonSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /**
   * Python's {@code str.isspace()}: bidirectional class WS, B or S, or category Zs. Unlike Java's
   * {@code Character.isWhitespace} this includes the no-break spaces (U+00A0, U+2007, U+202F) and
   * U+0085.
   */
  static boolean isPythonSpace(int c) {
    return switch (c) {
      case '\t', '\n', 0x0b, 0x0c, '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85, 0xa0, 0x1680 -> true;
      case 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 -> true;
      default -> c >= 0x2000 && c <= 0x200a;
    };
  }
}
