package dev.glimpse.core.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Realistic photo-search queries ("a red bicycle in the snow", "two dogs on a beach at sunset"),
 * made from word lists: a subject, often an attribute, often a place or a time. Deterministic for a
 * seed; every query of one pool is distinct.
 */
public final class QueryPool {
  private static final String[] SUBJECTS = {
    "bicycle",
    "dog",
    "cat",
    "car",
    "child",
    "old man",
    "woman",
    "horse",
    "boat",
    "train",
    "bird",
    "tree",
    "house",
    "bridge",
    "mountain",
    "lighthouse",
    "tent",
    "guitar",
    "birthday cake",
    "wedding couple",
    "football team",
    "market stall",
    "street musician",
    "sheep",
    "cow",
    "motorbike",
    "bus",
    "airplane",
    "castle",
    "church",
    "fountain",
    "sunflower",
    "pizza",
    "coffee cup",
    "book",
    "umbrella",
    "kite",
    "snowman",
    "fishing boat",
    "tractor",
    "waterfall",
    "deer",
    "fox",
    "owl",
    "duck",
    "swan",
    "camper van",
    "skateboarder",
    "surfer",
    "climber"
  };
  private static final String[] ATTRIBUTES = {
    "red",
    "blue",
    "green",
    "yellow",
    "black",
    "white",
    "old",
    "small",
    "big",
    "rusty",
    "wooden",
    "happy",
    "sleeping",
    "running",
    "wet",
    "colourful",
    "vintage",
    "broken",
    "shiny",
    "tiny",
    "blurry",
    "smiling",
    "lonely",
    "striped",
    "muddy"
  };
  private static final String[] COUNTS = {"a", "a", "a", "two", "three", "many"};
  private static final String[] PLACES = {
    "in the snow",
    "on a beach",
    "in a forest",
    "in the city",
    "at night",
    "at sunset",
    "in the rain",
    "on a mountain",
    "by a lake",
    "in a kitchen",
    "in a garden",
    "on a street",
    "in a park",
    "near the sea",
    "in the desert",
    "on a bridge",
    "in a field",
    "at a wedding",
    "in autumn",
    "in a museum",
    "on a farm",
    "under a tree",
    "next to a river",
    "at the station",
    "in fog",
    "against a brick wall",
    "on a boat",
    "in the mountains",
    "at a festival",
    "in winter",
    "on a rooftop",
    "in the harbour"
  };
  private static final String[] PREFIXES = {"", "", "", "", "photo of ", "picture of "};

  private QueryPool() {}

  /**
   * Distinct queries.
   *
   * @param size how many
   * @param seed the random seed
   * @return {@code size} distinct queries in random order
   */
  public static List<String> generate(int size, long seed) {
    if (size < 1 || size > 500_000) {
      throw new IllegalArgumentException("query pool size must be in [1, 500000], got " + size);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> out = new LinkedHashSet<>();
    while (out.size() < size) {
      out.add(query(random));
    }
    return new ArrayList<>(out);
  }

  private static String query(SplittableRandom random) {
    StringBuilder q = new StringBuilder(pick(PREFIXES, random));
    String count = pick(COUNTS, random);
    String subject = pick(SUBJECTS, random);
    boolean attribute = random.nextInt(10) < 7;
    String first = attribute ? pick(ATTRIBUTES, random) : subject;
    if (count.equals("a") && "aeiou".indexOf(first.charAt(0)) >= 0) {
      count = "an";
    }
    q.append(count).append(' ');
    if (attribute) {
      q.append(first).append(' ');
    }
    q.append(count.startsWith("a") ? subject : plural(subject));
    if (random.nextInt(10) < 8) {
      q.append(' ').append(pick(PLACES, random));
    }
    return q.toString();
  }

  private static String plural(String noun) {
    if (noun.endsWith("sheep") || noun.endsWith("deer")) {
      return noun;
    }
    if (noun.endsWith("man")) {
      return noun.substring(0, noun.length() - 3) + "men";
    }
    if (noun.endsWith("child")) {
      return noun + "ren";
    }
    if (noun.endsWith("s") || noun.endsWith("ch") || noun.endsWith("sh") || noun.endsWith("x")) {
      return noun + "es";
    }
    return noun + "s";
  }

  private static String pick(String[] words, SplittableRandom random) {
    return words[random.nextInt(words.length)];
  }
}
