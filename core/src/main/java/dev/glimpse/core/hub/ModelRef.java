package dev.glimpse.core.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model repository on the hub together with a revision (branch, tag or commit hash).
 *
 * <p>Both parts are validated when the record is built, so they are safe to use in URLs (after
 * percent-encoding) and as paths inside the cache.
 *
 * @param repo the repository id, {@code org/name}
 * @param revision a branch, tag or commit hash, for example {@code main}
 */
public record ModelRef(String repo, String revision) {

  /** The revision used when none is given. */
  public static final String DEFAULT_REVISION = "main";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,95}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  /**
   * Validates both parts.
   *
   * @throws IllegalArgumentException naming the value when either part is malformed
   */
  public ModelRef {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(revision, "revision");
    validateRepo(repo);
    validateRevision(revision);
  }

  /**
   * Parses {@code org/name} or {@code org/name@revision}; the revision defaults to {@value
   * #DEFAULT_REVISION}.
   *
   * @param text the model id as a user typed it
   * @return the parsed reference
   * @throws IllegalArgumentException with a message naming the value when it is not a valid id
   */
  public static ModelRef parse(String text) {
    Objects.requireNonNull(text, "text");
    int at = text.indexOf('@');
    if (at < 0) {
      return new ModelRef(text, DEFAULT_REVISION);
    }
    String revision = text.substring(at + 1);
    if (revision.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid model id '" + text + "': the revision after '@' is empty");
    }
    return new ModelRef(text.substring(0, at), revision);
  }

  /** Whether the revision is a full 40-hex commit hash (then no {@code refs/} entry is kept). */
  public boolean isCommit() {
    return COMMIT.matcher(revision).matches();
  }

  /** The same repository at another revision. */
  public ModelRef withRevision(String newRevision) {
    return new ModelRef(repo, newRevision);
  }

  /** {@code org/name@revision}. */
  @Override
  public String toString() {
    return repo + "@" + revision;
  }

  private static void validateRepo(String repo) {
    String[] parts = repo.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "Invalid model repository '"
              + repo
              + "': expected two path segments, 'org/name' (optionally followed by @revision)");
    }
    for (String part : parts) {
      if (!SEGMENT.matcher(part).matches()) {
        throw new IllegalArgumentException(
            "Invalid model repository '"
                + repo
                + "': each segment must be 1-96 characters of letters, digits, '.', '_' or '-',"
                + " and must not start with '.' or '-'");
      }
      if (part.contains("..") || part.contains("--")) {
        throw new IllegalArgumentException(
            "Invalid model repository '" + repo + "': '..' and '--' are not allowed");
      }
    }
  }

  private static void validateRevision(String revision) {
    String problem = revisionProblem(revision);
    if (problem != null) {
      throw new IllegalArgumentException("Invalid revision '" + revision + "': " + problem);
    }
  }

  private static String revisionProblem(String revision) {
    if (revision.isEmpty()) {
      return "it is empty";
    }
    if (revision.length() > 255) {
      return "it is longer than 255 characters";
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        return "control characters and spaces are not allowed";
      }
      if ("~^:?*[\\".indexOf(c) >= 0) {
        return "the character '" + c + "' is not allowed";
      }
    }
    if (revision.contains("..") || revision.contains("@{") || revision.contains("//")) {
      return "'..', '//' and '@{' are not allowed";
    }
    if (revision.startsWith("/") || revision.endsWith("/")) {
      return "it must not start or end with '/'";
    }
    if (revision.startsWith(".") || revision.startsWith("-") || revision.endsWith(".")) {
      return "it must not start with '.' or '-' or end with '.'";
    }
    if (revision.endsWith(".lock") || revision.contains("/.")) {
      return "it is not a valid branch, tag or commit name";
    }
    return null;
  }
}
