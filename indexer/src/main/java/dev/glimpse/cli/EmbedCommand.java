package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ClipPreprocessor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glimpse embed}: raw CLIP vectors for texts and images, as JSON lines. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Print L2-normalised CLIP embeddings, one JSON object per input, in input order:",
      "  {\"type\":\"text\"|\"image\",\"input\":\"...\",\"embedding\":[...]}"
    })
final class EmbedCommand implements Callable<Integer> {
  private static final int IMAGE_BATCH = 16;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ModelOptions modelOptions = new ModelOptions();

  @ArgGroup(exclusive = true, multiplicity = "0..*")
  List<Input> inputs = new ArrayList<>();

  /** One {@code --text} or {@code --image}; a repeating group keeps the command-line order. */
  static final class Input {
    @Option(names = "--text", paramLabel = "TEXT", description = "A text to embed (repeatable).")
    String text;

    @Option(
        names = "--image",
        paramLabel = "FILE",
        description = "An image file to embed (repeatable).")
    Path image;
  }

  @Override
  public Integer call() throws Exception {
    if (inputs.isEmpty()) {
      throw new UsageException("nothing to embed: give at least one --text or --image");
    }
    ImageArgs.checkReadable(inputs.stream().map(i -> i.image).filter(p -> p != null).toList());
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper json = new ObjectMapper();
    try (ClipModel model =
        modelOptions.load(spec.commandLine().getErr(), GlimpseCli.root(spec).environment())) {
      List<String> texts = new ArrayList<>();
      List<Path> images = new ArrayList<>();
      for (Input in : inputs) {
        if (in.text != null) {
          texts.add(in.text);
        } else {
          images.add(in.image);
        }
      }
      float[][] textVectors = texts.isEmpty() ? new float[0][] : model.encodeTexts(texts);
      float[][] imageVectors =
          ImageArgs.encode(model, new ClipPreprocessor(model.preprocess()), images, IMAGE_BATCH);
      int t = 0;
      int i = 0;
      for (Input in : inputs) {
        ObjectNode line = json.createObjectNode();
        float[] v;
        if (in.text != null) {
          line.put("type", "text").put("input", in.text);
          v = textVectors[t++];
        } else {
          line.put("type", "image").put("input", in.image.toString());
          v = imageVectors[i++];
        }
        ArrayNode arr = line.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
        out.println(json.writeValueAsString(line));
      }
      out.flush();
    }
    return GlimpseCli.OK;
  }
}
