package dev.glimpse.core.index;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits file and folder names into words: on separators ({@code old-lighthouse_at.dusk}) and on
 * camel case ({@code oldLighthouse}, {@code HTMLPage}), and between letters and digits ({@code
 * IMG1234}). Lucene's standard tokenizer keeps {@code old_lighthouse} and {@code oldLighthouse}
 * whole, so names are split here before they are analysed.
 */
public final class NameWords {
  private NameWords() {}

  /**
   * The words of a file name, without its extension.
   *
   * @param fileName a file name such as {@code OldLighthouse-at_dusk.JPG}
   * @return the words, in order, as written
   */
  public static List<String> ofFileName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return split(dot > 0 ? fileName.substring(0, dot) : fileName);
  }

  /**
   * The words of a name.
   *
   * @param name any name
   * @return the words, in order, as written
   */
  public static List<String> split(String name) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int[] cps = name.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (!Character.isLetterOrDigit(c)) {
        flush(word, out);
        continue;
      }
      if (word.length() > 0) {
        int prev = cps[i - 1];
        boolean lowerToUpper = Character.isLowerCase(prev) && Character.isUpperCase(c);
        // the last capital of a run starts the next word: HTMLPage is HTML + Page
        boolean acronymEnd =
            Character.isUpperCase(prev)
                && Character.isUpperCase(c)
                && i + 1 < cps.length
                && Character.isLowerCase(cps[i + 1]);
        if (lowerToUpper || acronymEnd) {
          flush(word, out);
        }
      }
      word.appendCodePoint(c);
    }
    flush(word, out);
    return out;
  }

  private static void flush(StringBuilder word, List<String> out) {
    if (word.length() > 0) {
      out.add(word.toString());
      word.setLength(0);
    }
  }
}
