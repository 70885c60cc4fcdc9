package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.hub.ModelCatalog;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse models}: the model catalogue. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "List the model catalogue: short names --model accepts, the hub id each stands for,"
          + " size, geometry and published quality (see docs/models.md). Needs no network."
    })
final class ModelsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("default", ModelOptions.DEFAULT_MODEL);
      ArrayNode models = root.putArray("models");
      for (ModelCatalog.Entry e : ModelCatalog.entries()) {
        ObjectNode m = models.addObject();
        m.put("name", e.name());
        m.put("hubId", e.hubId());
        m.put("revision", e.revision());
        m.put("family", e.family().label());
        m.put("layout", e.layout());
        m.put("paramsMillions", e.paramsMillions());
        m.put("embedDim", e.embedDim());
        m.put("imageSize", e.imageSize());
        m.put("patchSize", e.patchSize());
        m.put("default", e.hubRef().equals(ModelOptions.DEFAULT_MODEL));
        ObjectNode q = m.putObject("quality");
        put(q, "imagenetTop1", e.quality().imagenetTop1());
        put(q, "cocoTextToImageR1", e.quality().cocoTextToImageR1());
        put(q, "cocoImageToTextR1", e.quality().cocoImageToTextR1());
        put(q, "xm3600Recall", e.quality().xm3600Recall());
        q.put("source", e.quality().source());
      }
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
      out.flush();
      return GlimpseCli.OK;
    }
    String row = "%-17s %-48s %-8s %7s %4s %-6s %8s %8s %7s%n";
    out.printf(
        Locale.ROOT,
        row,
        "NAME",
        "HUB ID",
        "FAMILY",
        "PARAMS",
        "DIM",
        "INPUT",
        "IMAGENET",
        "COCO T2I",
        "XM3600");
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      boolean isDefault = e.hubRef().equals(ModelOptions.DEFAULT_MODEL);
      out.printf(
          Locale.ROOT,
          row,
          e.name() + (isDefault ? " *" : ""),
          e.hubId() + "@" + e.revision(),
          e.family().label(),
          String.format(Locale.ROOT, "%.0fM", e.paramsMillions()),
          e.embedDim(),
          e.imageSize() + "/" + e.patchSize(),
          percent(e.quality().imagenetTop1()),
          percent(e.quality().cocoTextToImageR1()),
          percent(e.quality().xm3600Recall()));
    }
    out.println();
    out.println(
        "* the default for new indexes. Quality in percent: ImageNet zero-shot top-1, COCO"
            + " text-to-image R@1, Immich's XM3600 recall; '-' not recorded. Sources and speed:"
            + " docs/models.md.");
    out.flush();
    return GlimpseCli.OK;
  }

  private static String percent(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.1f", v.getAsDouble()) : "-";
  }

  private static void put(ObjectNode node, String key, OptionalDouble v) {
    if (v.isPresent()) {
      node.put(key, v.getAsDouble());
    } else {
      node.putNull(key);
    }
  }
}
