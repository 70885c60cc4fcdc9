package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compares the preprocessing of the six fixture images with OpenAI's reference output. */
class ClipPreprocessorGoldenTest {

  private static final double PNG_MAX_ABS = 1e-6;
  private static final double JPEG_MAX_ABS = 0.1;
  private static final double JPEG_MEAN_ABS = 0.02;

  private static final ClipPreprocessor PREPROCESSOR =
      new ClipPreprocessor(PreprocessConfig.clip(64));

  static Stream<Arguments> goldenImages() throws IOException, URISyntaxException {
    List<Arguments> cases = new ArrayList<>();
    for (String fixture : List.of("tiny-clip-openai", "tiny-clip-hf")) {
      Path folder = fixtureFolder(fixture);
      JsonNode golden = new ObjectMapper().readTree(folder.resolve("golden.json").toFile());
      for (JsonNode image : golden.get("images")) {
        cases.add(Arguments.of(fixture, image.get("file").asText(), folder, image));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("goldenImages")
  void preprocessedPixelsMatchTheReference(String fixture, String file, Path folder, JsonNode g)
      throws IOException {
    DecodedImage image = new ImageDecoder().decode(folder.resolve(file));
    assertArrayEquals(
        ints(g.get("source_size")), new int[] {image.width(), image.height()}, "source size");

    CropGeometry geometry = PREPROCESSOR.geometry(image);
    assertArrayEquals(
        ints(g.get("resized_size")),
        new int[] {geometry.resizedWidth(), geometry.resizedHeight()},
        "resized size");
    assertArrayEquals(
        ints(g.get("crop_left_top")),
        new int[] {geometry.cropLeft(), geometry.cropTop()},
        "crop offset");

    assertPixels(
        fixture + " " + file, floats(g.get("pixel_values")), PREPROCESSOR.preprocess(image));
  }

  /**
   * Asserts preprocessed pixels against the reference: PNG exact to 1e-6, JPEG within the decoder
   * differences the fixture README documents.
   */
  static void assertPixels(String file, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    double max = 0;
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual[i]);
      max = Math.max(max, d);
      sum += d;
    }
    double mean = sum / expected.length;
    System.out.printf(Locale.ROOT, "pixel_values %s: max abs %s, mean abs %s%n", file, max, mean);
    if (file.endsWith(".png")) {
      assertTrue(max <= PNG_MAX_ABS, file + ": max abs " + max);
    } else {
      assertTrue(max <= JPEG_MAX_ABS, file + ": max abs " + max);
      assertTrue(mean <= JPEG_MEAN_ABS, file + ": mean abs " + mean);
    }
  }

  @Test
  void clipConfigMatchesTheGoldenMeanAndStd() throws IOException, URISyntaxException {
    JsonNode preprocess =
        new ObjectMapper()
            .readTree(fixtureFolder("tiny-clip-openai").resolve("golden.json").toFile())
            .get("preprocess");
    PreprocessConfig config = PreprocessConfig.clip(preprocess.get("n_px").asInt());
    assertArrayEquals(floats(preprocess.get("mean")), config.mean());
    assertArrayEquals(floats(preprocess.get("std")), config.std());
  }

  static Path fixtureFolder(String fixture) throws URISyntaxException {
    return Path.of(
            ClipPreprocessorGoldenTest.class
                .getResource("/fixtures/" + fixture + "/golden.json")
                .toURI())
        .getParent();
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
