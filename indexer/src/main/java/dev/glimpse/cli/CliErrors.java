package dev.glimpse.cli;

import dev.glimpse.core.clip.NotACheckpointException;
import dev.glimpse.core.image.ImageDecodeException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Translates exceptions into one-line messages and documented exit codes. The stack trace is
 * printed only with {@code GLIMPSE_STACKTRACE=1}.
 */
final class CliErrors
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    PrintWriter err = cli.getErr();
    err.println("glimpse: " + message(e));
    if ("1".equals(System.getenv("GLIMPSE_STACKTRACE"))) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode(e);
  }

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("glimpse: " + e.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println(
          "Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return GlimpseCli.USAGE;
  }

  static int exitCode(Throwable e) {
    if (e instanceof UsageException
        || e instanceof ImageDecodeException
        || e instanceof NotACheckpointException
        || e instanceof IllegalArgumentException) {
      return GlimpseCli.USAGE;
    }
    return GlimpseCli.FAILURE;
  }

  /**
   * A sentence for the user. Glimpse's own exceptions carry one; the JDK's file system exceptions
   * carry only a path, so the kind is said in words; a class name is never shown (it means nothing
   * to a user, and the stack trace has it).
   */
  static String message(Throwable e) {
    if (e instanceof java.io.UncheckedIOException && e.getCause() != null) {
      return message(e.getCause());
    }
    if (e instanceof FileSystemException fs) {
      return fileSystem(fs);
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "unexpected internal error; set GLIMPSE_STACKTRACE=1 to see where it happened";
    }
    return m;
  }

  private static String fileSystem(FileSystemException e) {
    String file = e.getFile();
    String where = file == null ? "" : ": " + file;
    if (e instanceof NoSuchFileException) {
      return "no such file or folder" + where;
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied" + where;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists" + where;
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder" + where;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "folder is not empty" + where;
    }
    String reason = e.getReason();
    return (reason == null ? "file system error" : reason) + where;
  }
}
