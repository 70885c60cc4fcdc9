package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ZeroShotClassifier;
import dev.glimpse.core.image.ClipPreprocessor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse classify}: zero-shot labels for images, as in the CLIP paper. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Zero-shot classify images against labels; prints probabilities, highest first.",
      "With --json, one JSON object per image:",
      "  {\"image\":\"...\",\"predictions\":[{\"label\":\"...\",\"probability\":0.9},...]}"
    })
final class ClassifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files to classify.")
  List<Path> images;

  @Option(
      names = "--labels",
      required = true,
      split = ",",
      paramLabel = "LABEL[,LABEL...]",
      description = "Candidate labels, comma-separated (repeatable).")
  List<String> labels;

  @Option(
      names = "--template",
      paramLabel = "TEXT",
      description = "Prompt template with {} for the label. Default: '${DEFAULT-VALUE}'.",
      defaultValue = ZeroShotClassifier.DEFAULT_TEMPLATE)
  String template;

  @Option(
      names = "--ensemble",
      description = "Average CLIP's 80 ImageNet prompt templates instead of one template.")
  boolean ensemble;

  @Option(names = "--top", paramLabel = "N", description = "Show the N best labels (default all).")
  Integer top;

  @Option(names = "--json", description = "Print JSON lines.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<String> cleaned = new ArrayList<>();
    for (String l : labels) {
      if (!l.isBlank()) {
        cleaned.add(l.strip());
      }
    }
    if (cleaned.isEmpty()) {
      throw new UsageException("--labels has no labels");
    }
    if (!ensemble && !template.contains("{}")) {
      throw new UsageException("--template '" + template + "' has no {} placeholder for the label");
    }
    if (top != null && top <= 0) {
      throw new UsageException("--top must be positive, got " + top);
    }
    ImageArgs.checkReadable(images);
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    try (ClipModel model =
        modelOptions.load(spec.commandLine().getErr(), GlimpseCli.root(spec).environment())) {
      List<String> templates =
          ensemble ? ZeroShotClassifier.imagenetTemplates() : List.of(template);
      ZeroShotClassifier classifier = ZeroShotClassifier.create(model, cleaned, templates);
      float[][] vectors =
          ImageArgs.encode(model, new ClipPreprocessor(model.preprocess()), images, 16);
      for (int i = 0; i < images.size(); i++) {
        List<ZeroShotClassifier.Prediction> preds = classifier.classify(vectors[i]);
        if (top != null && top < preds.size()) {
          preds = preds.subList(0, top);
        }
        if (json) {
          ObjectNode line = mapper.createObjectNode().put("image", images.get(i).toString());
          ArrayNode arr = line.putArray("predictions");
          for (ZeroShotClassifier.Prediction p : preds) {
            arr.addObject().put("label", p.label()).put("probability", p.probability());
          }
          out.println(mapper.writeValueAsString(line));
        } else {
          out.println(images.get(i));
          for (ZeroShotClassifier.Prediction p : preds) {
            out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * p.probability(), p.label());
          }
        }
      }
      out.flush();
    }
    return GlimpseCli.OK;
  }
}
