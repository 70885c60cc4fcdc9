package dev.glimpse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and commit this build was made from, as the build wrote them into {@code
 * build.properties} (filtered by indexer/pom.xml).
 *
 * @param version the project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the abbreviated git commit, or {@code unknown} outside a checkout or without git
 */
record BuildInfo(String version, String commit) {
  static final String RESOURCE = "build.properties";

  /** The build's own information; absent values (an unfiltered resource) read as unknown. */
  static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return new BuildInfo(filled(p.getProperty("version")), filled(p.getProperty("commit")));
  }

  /** {@code 0.1.0-SNAPSHOT (commit 9c9cca0fd43c)}. */
  String describe() {
    return version + " (commit " + commit + ")";
  }

  private static String filled(String value) {
    // A resource the build did not filter (an IDE's copy) still holds the ${...} placeholder.
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
  }
}
