package dev.glimpse.cli;

import dev.glimpse.core.clip.CheckpointException;
import dev.glimpse.core.hub.HubException;
import dev.glimpse.core.image.ImageDecodeException;
import dev.glimpse.core.index.WeightsChangedException;
import java.io.PrintWriter;
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
        || e instanceof IllegalArgumentException) {
      return GlimpseCli.USAGE;
    }
    return GlimpseCli.FAILURE;
  }

  static String message(Throwable e) {
    if (e instanceof CheckpointException
        || e instanceof HubException
        || e instanceof WeightsChangedException
        || e instanceof ImageDecodeException
        || e instanceof UsageException
        || e instanceof IllegalArgumentException) {
      return e.getMessage();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
