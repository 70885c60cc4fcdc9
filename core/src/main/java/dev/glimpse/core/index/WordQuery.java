package dev.glimpse.core.index;

import java.util.List;
import java.util.Objects;

/**
 * A keyword query: loose words, any of which may match (more matching words rank higher), and
 * quoted phrases, each of which matches only as the phrase.
 *
 * @param words single words or unquoted text
 * @param phrases phrases that must appear with their words in order and adjacent (after stop words
 *     and stemming)
 */
public record WordQuery(List<String> words, List<String> phrases) {

  /** Copies the lists. */
  public WordQuery {
    words = List.copyOf(Objects.requireNonNull(words, "words"));
    phrases = List.copyOf(Objects.requireNonNull(phrases, "phrases"));
  }

  /** Whether there is nothing to match. */
  public boolean isEmpty() {
    return words.stream().allMatch(String::isBlank) && phrases.stream().allMatch(String::isBlank);
  }
}
