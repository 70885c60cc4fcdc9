package dev.glimpse.cli;

/** The user asked for something that cannot be done as given; exits with code 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
