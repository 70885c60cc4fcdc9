package dev.glimpse.cli;

import dev.glimpse.core.bench.CutoffBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse bench cutoff}: quality of the relevance cut-off on synthetic scores. */
@Command(
    name = "cutoff",
    mixinStandardHelpOptions = true,
    description = {
      "Precision and recall of 'strong' hits, and the 'no good match' rate, of the relevance"
          + " cut-off on synthetic score distributions (four background shapes, CLIP and SigLIP"
          + " score ranges, planted relevant sets of several sizes and separations, and none). No"
          + " model or index needed; prints Markdown tables for docs/benchmarks.md."
    })
final class CutoffBenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--populations",
      split = ",",
      paramLabel = "N[,N...]",
      description = "Images per synthetic index. Default: 100,1000,10000,100000.")
  int[] populations;

  @Option(
      names = "--trials",
      defaultValue = "3",
      description = "Draws per index size, planted size and separation. Default: ${DEFAULT-VALUE}.")
  int trials;

  @Option(
      names = "--null-trials",
      defaultValue = "200",
      description = "Draws per index size without a planted set. Default: ${DEFAULT-VALUE}.")
  int nullTrials;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: 42.")
  long seed;

  @Override
  public Integer call() throws UsageException {
    if (trials < 1 || nullTrials < 1) {
      throw new UsageException("--trials and --null-trials must be at least 1");
    }
    CutoffBenchmark.Config d = CutoffBenchmark.defaults();
    if (populations != null) {
      for (int n : populations) {
        if (n < 10) {
          throw new UsageException("--populations must be at least 10 each, got " + n);
        }
      }
    }
    CutoffBenchmark.Config config =
        new CutoffBenchmark.Config(
            populations == null ? d.populations() : populations,
            d.plantedSizes(),
            d.separations(),
            trials,
            nullTrials,
            d.sampleLimit(),
            d.sample(),
            seed);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CutoffBenchmark.Result result =
        CutoffBenchmark.run(
            config,
            line -> {
              err.println(line);
              err.flush();
            });
    out.print(CutoffBenchmark.markdown(result));
    out.flush();
    return GlimpseCli.OK;
  }
}
