package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --help} reads whole: picocli renders each element of a description array as its own
 * paragraph, so an array of hard-wrapped source lines comes out as lines cut mid-sentence.
 */
class HelpTextTest {
  /** Ends of a paragraph: a sentence, a list introduced by a colon, a parenthesis, a JSON shape. */
  private static final Pattern PARAGRAPH_END = Pattern.compile(".*[.:)}\\]?!]$");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  @Test
  void every_command_description_is_rendered_whole_with_no_line_cut_short() {
    List<String> problems = new ArrayList<>();
    for (CommandLine command : commands()) {
      CommandSpec spec = command.getCommandSpec();
      String[] declared = spec.usageMessage().description();
      if (declared.length == 0) {
        continue;
      }
      String rendered =
          new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
              .description();
      String name = spec.qualifiedName();
      // Nothing lost or added: the rendered text is the declared one, re-flowed.
      assertEquals(
          squeeze(String.join("", declared)), squeeze(rendered), name + " renders its text");
      // A line may end early only where a declared paragraph ends; elsewhere the next word would
      // have fitted, so the break was the source's, not the terminal's.
      TreeSet<Integer> paragraphEnds = new TreeSet<>();
      int offset = 0;
      for (String paragraph : declared) {
        offset += squeeze(paragraph).length();
        paragraphEnds.add(offset);
      }
      List<String> lines = rendered.lines().toList();
      int done = 0;
      for (int i = 0; i < lines.size() - 1; i++) {
        String line = lines.get(i).stripTrailing();
        done += squeeze(line).length();
        String next = lines.get(i + 1).strip();
        String nextWord = WHITESPACE.split(next, 2)[0];
        // picocli keeps the last column free, so a line holds width - 1 characters.
        boolean nextWordFitted =
            line.length() + 1 + nextWord.length() < spec.usageMessage().width();
        if (nextWordFitted && !paragraphEnds.contains(done)) {
          problems.add(name + ": line cut short: '" + line + "' before '" + nextWord + "'");
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void every_description_element_is_a_whole_paragraph() {
    List<String> problems = new ArrayList<>();
    for (CommandLine command : commands()) {
      CommandSpec spec = command.getCommandSpec();
      String name = spec.qualifiedName();
      check(name, spec.usageMessage().description(), problems);
      for (ArgSpec arg : spec.args()) {
        String label =
            arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : arg.paramLabel();
        check(name + " " + label, arg.description(), problems);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static void check(String where, String[] description, List<String> problems) {
    for (String element : description) {
      // %n breaks a line on purpose; an indented line is laid out by hand (a list, an example).
      for (String line : element.split("%n|\\R", -1)) {
        String text = line.strip();
        if (!line.startsWith("  ") && !text.isEmpty() && !PARAGRAPH_END.matcher(text).matches()) {
          problems.add(where + ": description element ends mid-sentence: '" + text + "'");
        }
      }
    }
  }

  @Test
  void help_of_a_subcommand_prints_its_whole_first_sentence() {
    Cli.Result r = Cli.run(Map.of(), "index", "--help");
    assertEquals(0, r.exitCode(), r.err());
    String text = squeezeSpaces(r.out());
    assertTrue(
        text.contains(
            "Re-runs only encode new and changed photos, reuse the vectors of moved or copied"
                + " ones, and drop photos whose files are gone."),
        r.out());
    // Paths stay whole: picocli would break "~/.local" after its dot inside running text.
    assertTrue(r.out().contains(" ~/.local/share/glimpse/index\n"), r.out());
  }

  /** The root command and every subcommand below it, help excluded. */
  private static List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    collect(GlimpseCli.commandLine(Map.of()), all);
    assertTrue(all.size() > 10, "found " + all.size() + " commands");
    return all;
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    if (command.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
      return;
    }
    into.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!into.contains(sub)) {
        collect(sub, into);
      }
    }
  }

  private static String squeeze(String s) {
    return WHITESPACE.matcher(s).replaceAll("");
  }

  private static String squeezeSpaces(String s) {
    return WHITESPACE.matcher(s).replaceAll(" ");
  }
}
