package dev.glimpse.core.search;

import dev.glimpse.core.index.WordQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A search box's text, parsed: {@code dog "birthday cake" -leash "-red ball"} is the loose word
 * {@code dog}, the phrase {@code birthday cake}, and the exclusions {@code leash} and {@code red
 * ball}. A minus counts as an exclusion only at the start of a word ({@code t-shirt} and {@code
 * 2-3} stay words); a lone {@code -} is ignored. An unclosed quote runs to the end.
 *
 * @param text the words and phrases in the order typed, without quotes or exclusions: the text to
 *     embed
 * @param words the loose words, in order
 * @param phrases the quoted phrases, without their quotes
 * @param excluded the excluded words and phrases
 */
public record QueryText(
    String text, List<String> words, List<String> phrases, List<String> excluded) {

  /** Copies the lists. */
  public QueryText {
    Objects.requireNonNull(text, "text");
    words = List.copyOf(Objects.requireNonNull(words, "words"));
    phrases = List.copyOf(Objects.requireNonNull(phrases, "phrases"));
    excluded = List.copyOf(Objects.requireNonNull(excluded, "excluded"));
  }

  /**
   * Parses a query.
   *
   * @param text what was typed
   * @return its parts
   */
  public static QueryText parse(String text) {
    List<String> words = new ArrayList<>();
    List<String> phrases = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    List<String> positive = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      boolean minus = c == '-';
      int start = minus ? i + 1 : i;
      if (start < n && text.charAt(start) == '"') {
        int close = text.indexOf('"', start + 1);
        int end = close < 0 ? n : close;
        String phrase = text.substring(start + 1, end).strip();
        if (!phrase.isEmpty()) {
          if (phrase.startsWith("-")) { // "-a phrase": the minus inside the quotes
            add(excluded, phrase.substring(1));
          } else {
            (minus ? excluded : phrases).add(phrase);
            if (!minus) {
              positive.add(phrase);
            }
          }
        }
        i = close < 0 ? n : close + 1;
        continue;
      }
      int end = start;
      while (end < n && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      String word = text.substring(start, end);
      if (!word.isEmpty()) {
        (minus ? excluded : words).add(word);
        if (!minus) {
          positive.add(word);
        }
      }
      i = end;
    }
    return new QueryText(String.join(" ", positive), words, phrases, excluded);
  }

  private static void add(List<String> out, String value) {
    String v = value.strip();
    if (!v.isEmpty()) {
      out.add(v);
    }
  }

  /** The keyword query of the words and phrases. */
  public WordQuery wordQuery() {
    return new WordQuery(words, phrases);
  }

  /** Whether nothing but exclusions was typed. */
  public boolean hasPositive() {
    return !words.isEmpty() || !phrases.isEmpty();
  }
}
