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
 * multiplies bf16 natively, and a self-check passes: a small random-weight model of the model's
 * family ({@link SelfCheckModel}: SigLIP towers for SigLIP, each tower's activation and LayerNorm
 * epsilon), run in bf16 and in float32 on libtorch, must agree to cosine {@value #MIN_BF16_COSINE}
 * (the fixture README's bf16 bound). Otherwise float32: oneDNN where it has AVX-512 kernels, else
 * ONNX Runtime where it runs the family, each where it loads here and agrees with libtorch to
 * float32 rounding (cosine at least {@value #MIN_COSINE}, max abs difference at most {@value
 * #MAX_ABS}), else libtorch. libtorch is the engine the golden tests pin to the references
 * (OpenAI's, open_clip's), so the checks prove, on this machine's CPU and native builds, that the
 * other engines compute the same function.
 *
 * <p>Each check costs about a second; a pass is remembered per process, and on disk (an empty
 * marker file under {@code $XDG_CACHE_HOME/glimpse/engine-check}, else {@code
 * ~/.cache/glimpse/engine-check}) per Glimpse version and build, engine, CPU model and check model
 * (family, activations, epsilons), so later commands skip it. A failure is never remembered.
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

  /**
   * What resolving asks of the machine: the hardware probes and the engines' self-checks. The
   * choice is a function of these answers, so tests give fixed ones to check it for CPUs they do
   * not run on.
   */
  interface Probes {
    /**
     * Why bf16 on oneDNN cannot be the default here (no native bf16, no oneDNN); empty if it can.
     */
    String bf16Unavailable();

    /**
     * Why oneDNN should not be the float32 engine here (no AVX-512 kernels); empty if it should.
     */
    String fp32OnednnUnavailable();

    /** The self-check of {@code backend} in {@code precision} on {@code model}; empty on a pass. */
    String selfCheck(Backend backend, Precision precision, SelfCheckModel model);
  }

  /** This machine: oneDNN's view of the CPU, and the real self-checks, each run once. */
  static final Probes MACHINE =
      new Probes() {
        @Override
        public String bf16Unavailable() {
          return FAILURES.computeIfAbsent("onednn", k -> DnnlProbe.unavailableReason());
        }

        @Override
        public String fp32OnednnUnavailable() {
          return FAILURES.computeIfAbsent("onednn-fp32", k -> DnnlProbe.fp32UnavailableReason());
        }

        @Override
        public String selfCheck(Backend backend, Precision precision, SelfCheckModel model) {
          return checked(backend, precision, model);
        }
      };

  /**
   * The concrete engine and precision for these options and this model geometry.
   *
   * @throws IllegalArgumentException when the options ask for a combination that does not run (bf16
   *     off oneDNN, int8 off ONNX Runtime, SigLIP in int8): the caller's input, not the checkpoint,
   *     is at fault
   */
  static Choice resolve(ClipOptions options, ClipConfig config) throws CheckpointException {
    return resolve(options, config, MACHINE);
  }

  /**
   * As {@link #resolve(ClipOptions, ClipConfig)}, with the machine's answers from {@code probes}.
   */
  static Choice resolve(ClipOptions options, ClipConfig config, Probes probes)
      throws CheckpointException {
    Backend b = options.backend();
    if (config.family().sigmoid() && options.precision() == Precision.INT8) {
      // The int8 graphs were validated on CLIP only; SigLIP's accuracy in int8 is unmeasured.
      throw new IllegalArgumentException(
          config.family().label()
              + " models do not run in int8; use --precision auto, bf16 or fp32");
    }
    return switch (options.precision()) {
      case BF16 -> {
        if (b != Backend.AUTO && b != Backend.ONEDNN) {
          throw new IllegalArgumentException(
              "bf16 runs on the onednn engine only; use --engine auto or onednn");
        }
        yield new Choice(Backend.ONEDNN, Precision.BF16);
      }
      case INT8 -> {
        if (b != Backend.AUTO && b != Backend.ONNX) {
          throw new IllegalArgumentException(
              "int8 runs on the onnx engine only; use --engine onnx or auto");
        }
        yield new Choice(Backend.ONNX, Precision.INT8);
      }
      case FP32 ->
          new Choice(b == Backend.AUTO ? fp32Engine(config, true, probes) : b, Precision.FP32);
      case AUTO -> {
        if (b == Backend.ONEDNN) {
          yield new Choice(Backend.ONEDNN, Precision.BF16);
        }
        if (b != Backend.AUTO) {
          yield new Choice(b, Precision.FP32);
        }
        String why = fastModeUnavailable(config, probes);
        if (why.isEmpty()) {
          LOG.debug("precision auto: bf16 on onednn (self-check passed)");
          yield new Choice(Backend.ONEDNN, Precision.BF16);
        }
        LOG.info("precision auto: fp32, because {}", why);
        yield new Choice(fp32Engine(config, true, probes), Precision.FP32);
      }
    };
  }

  /**
   * The float32 engine: oneDNN where it runs here with AVX-512 kernels (where it measured faster
   * than ONNX Runtime) and passes its self-check, else ONNX Runtime where it passes its self-check,
   * else libtorch.
   */
  static Backend fp32Engine(ClipConfig config, boolean withDnnl) {
    return fp32Engine(config, withDnnl, MACHINE);
  }

  /**
   * As {@link #fp32Engine(ClipConfig, boolean)}, with the machine's answers from {@code probes}.
   */
  static Backend fp32Engine(ClipConfig config, boolean withDnnl, Probes probes) {
    SelfCheckModel t = SelfCheckModel.of(config);
    if (withDnnl) {
      String why = probes.fp32OnednnUnavailable();
      if (why.isEmpty()) {
        why = probes.selfCheck(Backend.ONEDNN, Precision.FP32, t);
      }
      if (why.isEmpty()) {
        LOG.debug("engine auto for fp32: onednn (self-check passed)");
        return Backend.ONEDNN;
      }
      LOG.debug("engine auto for fp32: not onednn, because {}", why);
    }
    String why = probes.selfCheck(Backend.ONNX, Precision.FP32, t);
    if (!why.isEmpty()) {
      LOG.info("engine auto: torch, because {}", why);
      return Backend.TORCH;
    }
    LOG.debug("engine auto for fp32: onnx (self-check passed)");
    return Backend.ONNX;
  }

  /** Why the bf16 fast mode cannot be the default here; empty when it can. */
  private static String fastModeUnavailable(ClipConfig config, Probes probes) {
    String hardware = probes.bf16Unavailable();
    if (!hardware.isEmpty()) {
      return hardware;
    }
    return probes.selfCheck(Backend.ONEDNN, Precision.BF16, SelfCheckModel.of(config));
  }

  /**
   * The self-check of {@code backend} in {@code precision} on this check model: run once per
   * process, and skipped where a marker says it passed here before. Empty when it passes.
   */
  private static String checked(Backend backend, Precision precision, SelfCheckModel model) {
    String engine = backend.label() + "-" + precision.name().toLowerCase(java.util.Locale.ROOT);
    return FAILURES.computeIfAbsent(
        engine + "/" + model.key(),
        k ->
            rememberedSelfCheck(
                backend, engine, model, () -> selfCheck(model, backend, precision)));
  }

  /** The self-check, skipped where a marker says it passed here before. */
  private static String rememberedSelfCheck(
      Backend backend,
      String engine,
      SelfCheckModel model,
      java.util.function.Supplier<String> check) {
    Path marker = null;
    try {
      marker = markerFile(backend, engine, model);
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

  private static Path markerFile(Backend backend, String engine, SelfCheckModel model)
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
            onnx
                ? buildStamp(ClipOnnxGraphs.class)
                : buildStamp(
                    DnnlTransformer.class,
                    DnnlVisionTower.class,
                    DnnlTextTower.class,
                    DnnlMapHead.class),
            engine,
            onnx
                ? ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion()
                : DnnlProbe.version(),
            System.getProperty("os.arch"),
            cpuModel(),
            model.key());
    return base.resolve("glimpse")
        .resolve("engine-check")
        .resolve(
            dev.glimpse.core.index.ContentHash.of(
                        key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .substring(0, 32)
                + ".ok");
  }

  /**
   * What the graph builder (for oneDNN: each class that records tower calls) was compiled to: a
   * snapshot version stays the same across rebuilds and reproducible jars give every entry the same
   * time, so a rebuilt graph builder must be told apart by its bytes to not inherit an older
   * build's pass.
   */
  private static String buildStamp(Class<?>... builtWith) throws IOException {
    StringBuilder stamp = new StringBuilder();
    for (Class<?> k : builtWith) {
      try (java.io.InputStream in = k.getResourceAsStream(k.getSimpleName() + ".class")) {
        if (in == null) {
          return "unknown";
        }
        stamp.append(dev.glimpse.core.index.ContentHash.of(in.readAllBytes())).append(',');
      }
    }
    return stamp.toString();
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

  /** {@link #selfCheck(SelfCheckModel, Backend, Precision)} on a CLIP check model. */
  static String selfCheck(
      Activation activation, float eps, Backend candidate, Precision precision) {
    return selfCheck(SelfCheckModel.clip(activation, eps), candidate, precision);
  }

  /**
   * Runs a self-check of {@code candidate} in {@code precision} ({@link Backend#ONNX} in float32,
   * {@link Backend#ONEDNN} in float32 or bf16) on {@code model}'s towers against libtorch's
   * float32: float32 must agree to float32 rounding, bf16 to the fixture README's bf16 cosine
   * bound. The empty string when it passes, else why not. Where libtorch itself does not run, ONNX
   * Runtime cannot be checked and is trusted (it is golden-tested like libtorch), and oneDNN is
   * checked against ONNX Runtime where that runs the family. The towers are loaded directly: the
   * check needs no tokenizer.
   */
  static String selfCheck(SelfCheckModel model, Backend candidate, Precision precision) {
    boolean bf16 = precision == Precision.BF16;
    boolean onnx = candidate == Backend.ONNX;
    String engine = onnx ? "ONNX Runtime" : bf16 ? "oneDNN bf16" : "oneDNN fp32";
    Path dir = null;
    try {
      dir = Files.createTempDirectory("glimpse-selfcheck");
      ClipCheckpoint checkpoint = model.write(dir);
      long[][] ids = model.tokenIds();
      int size = checkpoint.config().vision().imageSize();
      float[] pixels = new float[2 * 3 * size * size];
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) (random.nextDouble() * 4 - 2);
      }
      try (WeightStore store = checkpoint.openWeights()) {
        WeightReader reader = new WeightReader(store, checkpoint.layout(), checkpoint.config());
        float[][] referenceText;
        float[][] referenceImages;
        Towers reference;
        try {
          reference = TorchTowers.load(reader);
        } catch (CheckpointException e) {
          if (onnx) {
            LOG.info(
                "libtorch does not run here ({}); ONNX Runtime is used unchecked", e.getMessage());
            return "";
          }
          reference = OrtTowers.load(reader, 0, Precision.FP32);
        }
        try (Towers r = reference) {
          referenceText = r.textFeatures(ids, false);
          referenceImages = r.imageFeatures(pixels, 2);
        }
        double minCosine = bf16 ? MIN_BF16_COSINE : MIN_COSINE;
        double maxAbs = bf16 ? Double.POSITIVE_INFINITY : MAX_ABS;
        try (Towers m =
            onnx ? OrtTowers.load(reader, 0, precision) : DnnlTowers.load(reader, precision)) {
          String text =
              compare(engine, "text", referenceText, m.textFeatures(ids, false), minCosine, maxAbs);
          String image =
              compare(
                  engine, "image", referenceImages, m.imageFeatures(pixels, 2), minCosine, maxAbs);
          return text.isEmpty() ? image : text;
        }
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
