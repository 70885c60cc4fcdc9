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
 * Resolves {@link Backend#AUTO} and {@link Precision#AUTO} to a concrete engine and precision.
 *
 * <p>Fast mode first: {@link Backend#ONEDNN} in {@link Precision#BF16} where oneDNN loads, the CPU
 * multiplies bf16 natively, and a self-check passes: a small random-weight CLIP with the model's
 * activation and LayerNorm epsilon, run in bf16 and in float32 on libtorch, must agree to cosine
 * {@value #MIN_BF16_COSINE} (the fixture README's bf16 bound). Otherwise float32: ONNX Runtime
 * where it loads here and agrees with libtorch to float32 rounding (cosine at least {@value
 * #MIN_COSINE}, max abs difference at most {@value #MAX_ABS}), else libtorch. libtorch is the
 * engine the golden tests pin to OpenAI's reference, so the checks prove, on this machine's CPU and
 * native builds, that the other engines compute the same function.
 *
 * <p>Each check costs about a second; a pass is remembered per process, and on disk (an empty
 * marker file under {@code $XDG_CACHE_HOME/glimpse/engine-check}, else {@code
 * ~/.cache/glimpse/engine-check}) per Glimpse version and build, engine, CPU model, activation and
 * epsilon, so later commands skip it. A failure is never remembered.
 */
final class EngineChoice {
  private static final Logger LOG = LoggerFactory.getLogger(EngineChoice.class);

  static final double MIN_COSINE = 0.99999;
  static final double MAX_ABS = 1e-4;
  static final double MIN_BF16_COSINE = 0.9995;

  private static final ConcurrentMap<String, String> FAILURES = new ConcurrentHashMap<>();

  private EngineChoice() {}

  /** A concrete engine and precision. */
  record Choice(Backend backend, Precision precision) {}

  /** The concrete engine and precision for these options and this model geometry. */
  static Choice resolve(ClipOptions options, ClipConfig config) throws CheckpointException {
    Backend b = options.backend();
    if (config.vision().head() != VisionHead.CLASS_TOKEN) {
      // SigLIP towers are built on libtorch; the other engines follow.
      if ((b != Backend.AUTO && b != Backend.TORCH)
          || (options.precision() != Precision.AUTO && options.precision() != Precision.FP32)) {
        throw new UnsupportedModelException(
            config.family().label() + " models run on the torch engine in fp32 only so far");
      }
      return new Choice(Backend.TORCH, Precision.FP32);
    }
    return switch (options.precision()) {
      case BF16 -> {
        if (b != Backend.AUTO && b != Backend.ONEDNN) {
          throw new CheckpointException(
              "bf16 runs on the onednn engine only; use --engine auto or onednn");
        }
        yield new Choice(Backend.ONEDNN, Precision.BF16);
      }
      case INT8 -> {
        if (b != Backend.AUTO && b != Backend.ONNX) {
          throw new CheckpointException(
              "int8 runs on the onnx engine only; use --engine onnx or auto");
        }
        yield new Choice(Backend.ONNX, Precision.INT8);
      }
      case FP32 -> new Choice(b == Backend.AUTO ? fp32Engine(config) : b, Precision.FP32);
      case AUTO -> {
        if (b == Backend.ONEDNN) {
          yield new Choice(Backend.ONEDNN, Precision.BF16);
        }
        if (b != Backend.AUTO) {
          yield new Choice(b, Precision.FP32);
        }
        String why = fastModeUnavailable(config);
        if (why.isEmpty()) {
          LOG.debug("precision auto: bf16 on onednn (self-check passed)");
          yield new Choice(Backend.ONEDNN, Precision.BF16);
        }
        LOG.info("precision auto: fp32, because {}", why);
        yield new Choice(fp32Engine(config), Precision.FP32);
      }
    };
  }

  /**
   * The float32 engine: oneDNN where it runs here with AVX-512 kernels (where it measured faster
   * than ONNX Runtime) and passes its self-check, else ONNX Runtime where it passes its self-check,
   * else libtorch.
   */
  static Backend fp32Engine(ClipConfig config) {
    return fp32Engine(config, true);
  }

  /** As {@link #fp32Engine(ClipConfig)}, leaving oneDNN out unless {@code withDnnl}. */
  static Backend fp32Engine(ClipConfig config, boolean withDnnl) {
    TransformerConfig t = config.text().transformer();
    if (withDnnl) {
      String why = FAILURES.computeIfAbsent("onednn-fp32", k -> DnnlProbe.fp32UnavailableReason());
      if (why.isEmpty()) {
        why = checked(Backend.ONEDNN, Precision.FP32, t);
      }
      if (why.isEmpty()) {
        LOG.debug("engine auto for fp32: onednn (self-check passed)");
        return Backend.ONEDNN;
      }
      LOG.debug("engine auto for fp32: not onednn, because {}", why);
    }
    String why = checked(Backend.ONNX, Precision.FP32, t);
    if (!why.isEmpty()) {
      LOG.info("engine auto: torch, because {}", why);
      return Backend.TORCH;
    }
    LOG.debug("engine auto for fp32: onnx (self-check passed)");
    return Backend.ONNX;
  }

  /** Why the bf16 fast mode cannot be the default here; empty when it can. */
  static String fastModeUnavailable(ClipConfig config) {
    String hardware = FAILURES.computeIfAbsent("onednn", k -> DnnlProbe.unavailableReason());
    if (!hardware.isEmpty()) {
      return hardware;
    }
    return checked(Backend.ONEDNN, Precision.BF16, config.text().transformer());
  }

  /**
   * The self-check of {@code backend} in {@code precision} for this activation and epsilon: run
   * once per process, and skipped where a marker says it passed here before. Empty when it passes.
   */
  private static String checked(Backend backend, Precision precision, TransformerConfig t) {
    String engine = backend.label() + "-" + precision.name().toLowerCase(java.util.Locale.ROOT);
    return FAILURES.computeIfAbsent(
        engine + "/" + t.activation() + "/" + t.layerNormEps(),
        k ->
            rememberedSelfCheck(
                backend,
                engine,
                t.activation(),
                t.layerNormEps(),
                () -> selfCheck(t.activation(), t.layerNormEps(), backend, precision)));
  }

  /** The self-check, skipped where a marker says it passed here before. */
  private static String rememberedSelfCheck(
      Backend backend,
      String engine,
      Activation activation,
      float eps,
      java.util.function.Supplier<String> check) {
    Path marker = null;
    try {
      marker = markerFile(backend, engine, activation, eps);
      if (Files.isRegularFile(marker)) {
        return "";
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.debug("engine self-check marker unavailable", e);
    }
    String why = check.get();
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

  private static Path markerFile(Backend backend, String engine, Activation activation, float eps)
      throws IOException {
    boolean onnx = backend == Backend.ONNX;
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    String key =
        String.join(
            "|",
            String.valueOf(EngineChoice.class.getPackage().getImplementationVersion()),
            buildStamp(onnx ? ClipOnnxGraphs.class : DnnlTransformer.class),
            engine,
            onnx
                ? ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion()
                : DnnlProbe.version(),
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
  private static String buildStamp(Class<?> builtWith) throws IOException {
    java.net.URL url = builtWith.getResource(builtWith.getSimpleName() + ".class");
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

  /**
   * Runs a self-check of {@code candidate} in {@code precision} ({@link Backend#ONNX} in float32,
   * {@link Backend#ONEDNN} in float32 or bf16) against libtorch's float32: float32 must agree to
   * float32 rounding, bf16 to the fixture README's bf16 cosine bound. The empty string when it
   * passes, else why not. Where libtorch itself does not run, ONNX Runtime cannot be checked and is
   * trusted (it is golden-tested like libtorch), and oneDNN is checked against ONNX Runtime.
   */
  static String selfCheck(
      Activation activation, float eps, Backend candidate, Precision precision) {
    boolean bf16 = precision == Precision.BF16;
    boolean onnx = candidate == Backend.ONNX;
    String engine = onnx ? "ONNX Runtime" : bf16 ? "oneDNN bf16" : "oneDNN fp32";
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
      float[][] referenceText;
      float[][] referenceImages;
      ClipModel reference;
      try {
        reference = ClipModel.load(checkpoint, ClipOptions.DEFAULTS);
      } catch (CheckpointException e) {
        if (onnx) {
          LOG.info(
              "libtorch does not run here ({}); ONNX Runtime is used unchecked", e.getMessage());
          return "";
        }
        reference = ClipModel.load(checkpoint, new ClipOptions(Precision.FP32, Backend.ONNX, 0));
      }
      try (ClipModel r = reference) {
        referenceText = r.textFeatures(ids);
        referenceImages = r.imageFeatures(pixels, 2);
      }
      ClipOptions options = new ClipOptions(precision, candidate, 0);
      double minCosine = bf16 ? MIN_BF16_COSINE : MIN_COSINE;
      double maxAbs = bf16 ? Double.POSITIVE_INFINITY : MAX_ABS;
      try (ClipModel m = ClipModel.load(checkpoint, options)) {
        String text =
            compare(engine, "text", referenceText, m.textFeatures(ids), minCosine, maxAbs);
        String image =
            compare(
                engine, "image", referenceImages, m.imageFeatures(pixels, 2), minCosine, maxAbs);
        return text.isEmpty() ? image : text;
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      return engine + " is not usable here: " + e.getMessage();
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** Empty when every row of {@code actual} agrees with {@code expected}, else why not. */
  static String compare(
      String engine,
      String tower,
      float[][] expected,
      float[][] actual,
      double minCosine,
      double maxAbsAllowed) {
    for (int r = 0; r < expected.length; r++) {
      double maxAbs = 0;
      for (int i = 0; i < expected[r].length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(expected[r][i] - actual[r][i]));
      }
      double cos = Vectors.cosine(expected[r], actual[r]);
      if (!(cos >= minCosine) || !(maxAbs <= maxAbsAllowed)) {
        return "the "
            + engine
            + " self-check failed on the "
            + tower
            + " tower (cosine "
            + cos
            + ", max abs difference "
            + maxAbs
            + " against float32)";
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
