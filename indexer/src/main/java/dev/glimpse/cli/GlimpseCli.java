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
      IndexCommand.class,
      SearchCommand.class,
      SimilarCommand.class,
      DuplicatesCommand.class,
      ServeCommand.class,
      StatusCommand.class,
      RootsCommand.class,
      ModelsCommand.class,
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

  private final java.util.Map<String, String> environment;

  /** A command line that reads the process environment. */
  public GlimpseCli() {
    this(System.getenv());
  }

  /** A command line with an explicit environment (HF_HOME, HF_ENDPOINT, ...), for tests. */
  public GlimpseCli(java.util.Map<String, String> environment) {
    this.environment = java.util.Map.copyOf(environment);
  }

  /** The environment variables the commands read. */
  java.util.Map<String, String> environment() {
    return environment;
  }

  /** The root command of a parsed command line, for subcommands that need its environment. */
  static GlimpseCli root(CommandLine.Model.CommandSpec spec) {
    return (GlimpseCli) spec.root().userObject();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with Glimpse's error handling, for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** Builds the command line with the given environment. */
  public static CommandLine commandLine(java.util.Map<String, String> environment) {
    CommandLine cli = new CommandLine(new GlimpseCli(environment));
    CliErrors errors = new CliErrors();
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    return cli;
  }

  /** Held so the logger keeps its level (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger LUCENE_LOG =
      java.util.logging.Logger.getLogger("org.apache.lucene");

  public static void main(String[] args) {
    // Lucene announces its SIMD support at INFO on every start; keep the CLI quiet.
    LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
    // Everything the engine needs ships in the jar: never let DJL download anything.
    System.setProperty("ai.djl.offline", "true");
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      // Picocli hands only Exceptions to CliErrors; a model too big for the heap ends here.
      System.err.println(
          "glimpse: out of memory ("
              + e.getMessage()
              + "); give Java more with GLIMPSE_JAVA_OPTS=-Xmx4g (the heap, and the direct memory"
              + " libtorch's weights use)");
      code = FAILURE;
    }
    System.exit(code);
  }

  /** The version and commit the build recorded ({@link BuildInfo}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"glimpse " + BuildInfo.load().describe()};
    }
  }
}
