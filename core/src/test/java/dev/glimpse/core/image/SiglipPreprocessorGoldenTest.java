package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SigLIP's squash preprocessing of the six fixture images against open_clip's reference ({@code
 * Resize((64, 64), BICUBIC)}, no crop, mean and std 0.5), with the CLIP test's bounds.
 */
class SiglipPreprocessorGoldenTest {
  private static final float[] HALF = {0.5f, 0.5f, 0.5f};

  static Stream<Arguments> goldenImages() throws IOException, URISyntaxException {
    Path folder = ClipPreprocessorGoldenTest.fixtureFolder("tiny-siglip-openclip");
    JsonNode golden = new ObjectMapper().readTree(folder.resolve("golden.json").toFile());
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode image : golden.get("images")) {
      cases.add(Arguments.of(image.get("file").asText(), folder, image, golden.get("preprocess")));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenImages")
  void squashed_pixels_match_the_reference(String file, Path folder, JsonNode g, JsonNode p)
      throws IOException {
    int size = p.get("image_size").asInt();
    PreprocessConfig config = PreprocessConfig.squash(size, HALF, HALF);
    assertArrayEquals(floats(p.get("mean")), config.mean());
    assertArrayEquals(floats(p.get("std")), config.std());
    ClipPreprocessor preprocessor = new ClipPreprocessor(config);
    DecodedImage image = new ImageDecoder().decode(folder.resolve(file));
    CropGeometry geometry = preprocessor.geometry(image);
    assertEquals(size, geometry.resizedWidth(), "squashed, not aspect-kept");
    assertEquals(size, geometry.resizedHeight());
    ClipPreprocessorGoldenTest.assertPixels(
        "siglip " + file, floats(g.get("pixel_values")), preprocessor.preprocess(image));
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
