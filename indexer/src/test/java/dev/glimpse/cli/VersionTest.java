package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code glimpse --version} reports what the build filtered into build.properties. */
class VersionTest {
  private static final Pattern LINE =
      Pattern.compile("glimpse (\\S+) \\(commit ([0-9a-f]{12}|unknown)\\)");

  @Test
  void version_prints_the_pom_version_and_the_commit_of_the_checkout() throws Exception {
    Cli.Result r = Cli.run(Map.of(), "--version");

    assertEquals(0, r.exitCode(), r.err());
    Matcher m = LINE.matcher(r.out().strip());
    assertTrue(m.matches(), "unexpected --version output: " + r.out());
    // The version the pom declares, handed over by surefire (indexer/pom.xml), not by the resource.
    assertEquals(System.getProperty("glimpse.projectVersion"), m.group(1));
    String head = gitHead();
    if (head == null) {
      assertEquals("unknown", m.group(2), "built outside a git checkout");
    } else {
      assertTrue(head.startsWith(m.group(2)), "commit " + m.group(2) + " is not HEAD " + head);
    }
  }

  /** The checkout's HEAD commit by git itself, or null outside a checkout or without git. */
  private static String gitHead() throws InterruptedException {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return git.waitFor() == 0 ? out : null;
    } catch (IOException e) {
      return null; // no git on the PATH
    }
  }
}
