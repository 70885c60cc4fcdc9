package dev.glimpse.core.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link Backend#AUTO}: ONNX Runtime where it loads here and passes a self-check, libtorch
 * otherwise.
 *
 * <p>The self-check builds a small random-weight CLIP with the model's activation and LayerNorm
 * epsilon, runs a text batch and an image batch on both engines, and requires the embeddings to
 * agree to float32 rounding (cosine at least {@value #MIN_COSINE}, max abs difference at most
 * {@value #MAX_ABS}). libtorch is the engine the golden tests pin to OpenAI's reference, so this
 * proves, on this machine's CPU and ONNX Runtime build, that the ONNX graphs compute the same
 * function. It costs about a second; a pass is remembered per process, and on disk (an empty marker
 * file under {@code $XDG_CACHE_HOME/glimpse/engine-check}, else {@code
 * ~/.cache/glimpse/engine-check}) per Glimpse version and build, ONNX Runtime version, CPU model,
 * activation and epsilon, so later commands skip it. A failure is never remembered.
 */
final class EngineChoice {
  private static final Logger LOG = LoggerFactory.getLogger(EngineChoice.class);

  static final double MIN_COSINE = 0.99999;
  static final double MAX_ABS = 1e-4;

  private static final ConcurrentMap<String, String> FAILURES = new ConcurrentHashMap<>();

  private EngineChoice() {}

  /** The concrete engine for these options and this model geometry. */
  static Backend resolve(ClipOptions options, ClipConfig config) throws CheckpointException {
    return switch (options.backend()) {
      case TORCH -> {
        if (options.precision() == Precision.INT8) {
          throw new CheckpointException(
              "int8 runs on the onnx engine only; use --engine onnx or auto");
        }
        yield Backend.TORCH;
      }
      case ONNX -> {
        if (options.precision() == Precision.BF16) {
          throw new CheckpointException(
              "bf16 runs on the torch engine only; use --engine torch or --precision fp32");
        }
        yield Backend.ONNX;
      }
      case AUTO -> {
        if (options.precision() == Precision.BF16) {
          yield Backend.TORCH;
        }
        if (options.precision() == Precision.INT8) {
          yield Backend.ONNX;
        }
        TransformerConfig t = config.text().transformer();
        String why =
            FAILURES.computeIfAbsent(
                t.activation() + "/" + t.layerNormEps(),
                k -> rememberedSelfCheck(t.activation(), t.layerNormEps()));
        if (!why.isEmpty()) {
          LOG.info("engine auto: torch, because {}", why);
          yield Backend.TORCH;
        }
        LOG.debug("engine auto: onnx (self-check passed)");
        yield Backend.ONNX;
      }
    };
  }

  /** The self-check, skipped where a marker says it passed here before. */
  private static String rememberedSelfCheck(Activation activation, float eps) {
    Path marker = null;
    try {
      marker = markerFile(activation, eps);
      if (Files.isRegularFile(marker)) {
        return "";
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.debug("engine self-check marker unavailable", e);
    }
    String why = selfCheck(activation, eps);
    if (why.isEmpty() && marker != null) {
      try {
        Files.createDirectories(marker.getParent());
        Files.write(marker, new byte[0]);
      } catch (IOException e) {
        LOG.debug("cannot remember the engine self-check in {}", marker, e);
      }
    }
    return why;
  }

  private static Path markerFile(Activation activation, float eps) throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    String key =
        String.join(
            "|",
            String.valueOf(EngineChoice.class.getPackage().getImplementationVersion()),
            buildStamp(),
            ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(),
            System.getProperty("os.arch"),
            cpuModel(),
            activation.name(),
            Float.toString(eps));
    return base.resolve("glimpse")
        .resolve("engine-check")
        .resolve(
            dev.glimpse.core.index.ContentHash.of(
                        key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .substring(0, 32)
                + ".ok");
  }

  /**
   * When the graph builder was compiled: development builds carry no version, so a rebuilt graph
   * builder must not inherit an older build's pass.
   */
  private static String buildStamp() throws IOException {
    java.net.URL url = ClipOnnxGraphs.class.getResource("ClipOnnxGraphs.class");
    if (url == null) {
      return "unknown";
    }
    java.net.URLConnection c = url.openConnection();
    c.setUseCaches(false);
    return Long.toString(c.getLastModified());
  }

  private static String cpuModel() throws IOException {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return "unknown";
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().orElse("unknown");
    }
  }

  /** Runs the self-check; the empty string when it passes, else why not. */
  static String selfCheck(Activation activation, float eps) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("glimpse-selfcheck");
      ClipConfig tiny =
          new ClipConfig(
              32,
              new VisionConfig(32, 8, new TransformerConfig(64, 2, 4, 128, activation, eps)),
              new TextConfig(16, 64, new TransformerConfig(64, 2, 4, 128, activation, eps)));
      SyntheticCheckpoint.write(dir, tiny, 20211, DType.F32);
      ClipCheckpoint checkpoint = ClipCheckpoint.open(dir);
      long[][] ids = {{0, 5, 9, 63, 0}, {0, 7, 63}};
      float[] pixels = new float[2 * 3 * 32 * 32];
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) (random.nextDouble() * 4 - 2);
      }
      float[][] torchText;
      float[][] torchImages;
      try (ClipModel torch = ClipModel.load(checkpoint, ClipOptions.DEFAULTS)) {
        torchText = torch.textFeatures(ids);
        torchImages = torch.imageFeatures(pixels, 2);
      }
      try (ClipModel onnx =
          ClipModel.load(checkpoint, ClipOptions.DEFAULTS.withBackend(Backend.ONNX))) {
        String text = compare("text", torchText, onnx.textFeatures(ids));
        String image = compare("image", torchImages, onnx.imageFeatures(pixels, 2));
        return text.isEmpty() ? image : text;
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      return "ONNX Runtime is not usable here: " + e.getMessage();
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  static String compare(String tower, float[][] expected, float[][] actual) {
    for (int r = 0; r < expected.length; r++) {
      double maxAbs = 0;
      for (int i = 0; i < expected[r].length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(expected[r][i] - actual[r][i]));
      }
      double cos = Vectors.cosine(expected[r], actual[r]);
      if (!(cos >= MIN_COSINE) || !(maxAbs <= MAX_ABS)) {
        return "the ONNX Runtime self-check failed on the "
            + tower
            + " tower (cosine "
            + cos
            + ", max abs difference "
            + maxAbs
            + " against libtorch)";
      }
    }
    return "";
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(EngineChoice::deleteFile);
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not delete {}", dir, e);
    }
  }

  private static void deleteFile(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
