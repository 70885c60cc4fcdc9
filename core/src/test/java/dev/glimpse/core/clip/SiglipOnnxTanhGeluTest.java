package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tanh GELU of SigLIP 2's text tower (and of some timm image towers) on ONNX Runtime, whose
 * opset-17 graph composes it from {@code Tanh}: the fixtures' goldens use the exact GELU in both
 * towers, so this runs the HF-layout fixture with {@code gelu_pytorch_tanh} in both configs and
 * holds ONNX Runtime to libtorch's fp32 towers (which compute the same formula with PyTorch's
 * kernels), while the outputs must move well away from the erf goldens (the fixture README measured
 * 4.4e-4 on text and 3.9e-4 on image features for this mistake), so the switch is real.
 */
class SiglipOnnxTanhGeluTest {
  /** Two fp32 engines on the same graph: only kernel rounding may differ. */
  private static final float ENGINES_MAX_ABS = 1e-5f;

  /** Far below the 3.9e-4 that erf against tanh moves the features. */
  private static final float MOVED_AT_LEAST = 1e-4f;

  @Test
  void onnx_tanh_gelu_equals_libtorch_and_differs_from_erf(@TempDir Path dir) throws Exception {
    Path source = Golden.fixture(SiglipGoldens.HF);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path config = dir.resolve("config.json");
    String json = Files.readString(config);
    String tanh = json.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_pytorch_tanh\"");
    assertTrue(!tanh.equals(json), "the fixture config names its activation");
    Files.writeString(config, tanh);

    SiglipGoldens g = SiglipGoldens.load(SiglipGoldens.HF);
    ClipCheckpoint checkpoint = ClipCheckpoint.open(dir);
    assertTrue(
        checkpoint.config().text().transformer().activation() == Activation.GELU_TANH
            && checkpoint.config().vision().transformer().activation() == Activation.GELU_TANH);
    float[][] torchText;
    float[][] torchImages;
    try (ClipModel torch =
        ClipModel.load(checkpoint, new ClipOptions(Precision.FP32, Backend.TORCH, 0))) {
      torchText = torch.textFeatures(g.tokenIds());
      torchImages = torch.imageFeatures(g.pixelBatch(), g.imageCount());
    }
    try (ClipModel onnx =
        ClipModel.load(checkpoint, new ClipOptions(Precision.FP32, Backend.ONNX, 0))) {
      compare("text", onnx.textFeatures(g.tokenIds()), torchText, g::textFeatures);
      compare(
          "image",
          onnx.imageFeatures(g.pixelBatch(), g.imageCount()),
          torchImages,
          g::imageFeatures);
    }
  }

  private static void compare(
      String tower,
      float[][] onnx,
      float[][] torch,
      java.util.function.IntFunction<float[]> erfGolden) {
    float engines = 0;
    float moved = 0;
    for (int i = 0; i < onnx.length; i++) {
      engines = Math.max(engines, Golden.maxAbs(torch[i], onnx[i]));
      moved = Math.max(moved, Golden.maxAbs(erfGolden.apply(i), onnx[i]));
    }
    System.out.printf(
        Locale.ROOT,
        "tanh GELU %s: onnx vs torch max abs %.3g, vs the erf goldens %.3g%n",
        tower,
        engines,
        moved);
    assertTrue(engines <= ENGINES_MAX_ABS, tower + ": onnx vs torch max abs " + engines);
    assertTrue(moved >= MOVED_AT_LEAST, tower + ": tanh GELU moved features only " + moved);
  }
}
