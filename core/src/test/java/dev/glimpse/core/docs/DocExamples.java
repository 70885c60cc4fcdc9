package dev.glimpse.core.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fenced code blocks of the docs, and checks that a documented JSON example has the shape of what
 * the code really prints, so that the example cannot drift from the code.
 */
public final class DocExamples {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DocExamples() {}

  /** A fenced block: its tag ({@code bash}, {@code json}, empty for none), text and line. */
  public record Block(String tag, String text, int line) {}

  /** The docs folder of the repository, from a module's working directory. */
  public static Path docs() {
    return Path.of("..", "docs").toAbsolutePath().normalize();
  }

  /** Every fenced block of a markdown file, in order; indented fences count too. */
  public static List<Block> blocks(Path markdown) throws IOException {
    List<Block> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(markdown);
    for (int i = 0; i < lines.size(); i++) {
      String open = lines.get(i).strip();
      if (!open.startsWith("```")) {
        continue;
      }
      String indent = lines.get(i).substring(0, lines.get(i).indexOf('`'));
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        String l = lines.get(j);
        text.append(l.startsWith(indent) ? l.substring(indent.length()) : l).append('\n');
        j++;
      }
      if (j == lines.size()) {
        throw new IllegalStateException(markdown + ":" + (i + 1) + ": unclosed code block");
      }
      out.add(new Block(open.substring(3).strip(), text.toString(), i + 1));
      i = j;
    }
    return out;
  }

  /** The text of the first {@code json} block after the first line that contains {@code marker}. */
  public static String jsonAfter(Path markdown, String marker) throws IOException {
    List<String> lines = Files.readAllLines(markdown);
    int at = -1;
    for (int i = 0; i < lines.size() && at < 0; i++) {
      if (lines.get(i).contains(marker)) {
        at = i + 1;
      }
    }
    if (at < 0) {
      throw new IllegalStateException(markdown + " has no line with " + marker);
    }
    for (Block b : blocks(markdown)) {
      if (b.line() > at && b.tag().equals("json")) {
        return b.text();
      }
    }
    throw new IllegalStateException(markdown + " has no json block after " + marker);
  }

  /**
   * Asserts that a documented example and a real output have the same keys in the same order, and
   * values of the same JSON types, recursively.
   *
   * @param dictionaries keys whose values are free-form objects (their keys are data, e.g. skip
   *     reasons), to the JSON type of every value ({@code integer}, {@code string}, ...): only that
   *     type is compared, and an empty object has it
   * @param nullable keys the real output may have as null where the example shows a value
   */
  public static void assertSameShape(
      String documented, JsonNode real, Map<String, String> dictionaries, Set<String> nullable)
      throws IOException {
    JsonNode doc = JSON.readTree(documented);
    assertEquals(
        shape(doc, "", dictionaries, Set.of()),
        shape(real, "", dictionaries, nullable),
        "the documented example and the real output differ in shape\ndocumented: "
            + documented
            + "\nreal: "
            + real);
  }

  private static Object shape(
      JsonNode n, String key, Map<String, String> dicts, Set<String> nullable) {
    if (n.isObject() && dicts.containsKey(key)) {
      Set<String> types = new java.util.TreeSet<>();
      n.properties().forEach(e -> types.add(type(e.getValue())));
      return "dictionary of " + (types.isEmpty() ? dicts.get(key) : String.join(", ", types));
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.properties()
          .forEach(e -> m.put(e.getKey(), shape(e.getValue(), e.getKey(), dicts, nullable)));
      return m;
    }
    if (n.isNull() && nullable.contains(key)) {
      return "string"; // the documented example shows the value it has when known
    }
    return type(n);
  }

  private static String type(JsonNode n) {
    return switch (n.getNodeType()) {
      case NUMBER -> n.isIntegralNumber() ? "integer" : "number";
      default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
