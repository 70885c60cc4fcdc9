package dev.glimpse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code glimpse} command line. */
@Command(
    name = "glimpse",
    mixinStandardHelpOptions = true,
    versionProvider = GlimpseCli.Version.class,
    description = "Search photos by meaning with CLIP.",
    subcommands = {
      EmbedCommand.class,
      ClassifyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 failure (model, I/O), 2 bad usage or input.",
      "Environment: HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE (model downloads)."
    })
public final class GlimpseCli implements Runnable {
  /** Success. */
  public static final int OK = 0;

  /** A failure that is not the user's input: model loading, I/O, the engine. */
  public static final int FAILURE = 1;

  /** Bad usage or input: unknown options, unreadable images, empty inputs. */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with Glimpse's error handling, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new GlimpseCli());
    CliErrors errors = new CliErrors();
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GlimpseCli.class.getPackage().getImplementationVersion();
      return new String[] {"glimpse " + (v == null ? "(development build)" : v)};
    }
  }
}
