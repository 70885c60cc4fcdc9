package dev.glimpse.core.clip;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.onnx.OnnxGraph;
import dev.glimpse.core.onnx.OnnxGraph.Attr;
import dev.glimpse.core.onnx.OnnxGraph.FloatAttr;
import dev.glimpse.core.onnx.OnnxGraph.IntAttr;
import dev.glimpse.core.onnx.OnnxGraph.IntsAttr;
import java.util.Arrays;
import java.util.List;

/**
 * The two towers of a CLIP or SigLIP model as ONNX graphs, built from a checkpoint's canonical
 * weights.
 *
 * <p>The graphs compute exactly what {@link VisionTower} and {@link TextTower} compute, with
 * standard ONNX ops (opset 17) only, so ONNX Runtime's graph optimiser can fuse them as it fuses
 * exported models.
 *
 * <ul>
 *   <li>Image graph: input {@code pixel_values [batch, 3, S, S]}, output {@code image_features
 *       [batch, embed]}. {@link VisionHead#CLASS_TOKEN}: class token, {@code ln_pre}, {@code
 *       ln_post} on the class token, projection. {@link VisionHead#MAP}: patch bias, no class
 *       token, {@code ln_post} on every token, then the attention-pooling head.
 *   <li>Text graph, {@link TextHead#END_OF_TEXT}: inputs {@code input_ids [batch, tokens]} (int64),
 *       {@code causal_mask [tokens, tokens]} (0 on and below the diagonal, -inf above) and {@code
 *       pool_index [batch]} (int64, the flattened row {@code r * tokens + eot} to pool at); output
 *       {@code text_features [batch, embed]}. Tokens may stop at the last end-of-text token of the
 *       batch.
 *   <li>Text graph, {@link TextHead#LAST}: input {@code input_ids [batch, context]} only (no mask,
 *       the last position is pooled, the projection has a bias); output {@code text_features}.
 * </ul>
 */
final class ClipOnnxGraphs {
  static final int OPSET = 17;
  static final String PIXELS = "pixel_values";
  static final String IMAGE_FEATURES = "image_features";
  static final String INPUT_IDS = "input_ids";
  static final String CAUSAL_MASK = "causal_mask";
  static final String POOL_INDEX = "pool_index";
  static final String TEXT_FEATURES = "text_features";

  /**
   * Block lengths along the input dimension of 8-bit quantized weights, longest first: a linear
   * layer takes the first that divides its input width (ViT-B/32: 128 everywhere). Longer blocks
   * ran faster (ViT-B/32 at batch 32: 51 images/s with 128 against 45 with 32).
   */
  static final int[] QUANT_BLOCKS = {128, 64, 32};

  private final WeightReader reader;
  private final ClipConfig config;
  private final boolean int8;

  /**
   * @param int8 block-quantize the transformer's linear weights to 8 bits and run them as ONNX
   *     Runtime's {@code MatMulNBits} with int8 compute; otherwise every op is float32
   */
  ClipOnnxGraphs(WeightReader reader, boolean int8) {
    this.reader = reader;
    this.config = reader.config();
    this.int8 = int8;
  }

  /** The serialised image-tower model. */
  byte[] vision() throws CheckpointException {
    VisionConfig v = config.vision();
    OnnxGraph g = new OnnxGraph("clip_vision", OPSET);
    g.floatInput(PIXELS, "batch", 3L, (long) v.imageSize(), (long) v.imageSize());
    String out =
        switch (v.head()) {
          case CLASS_TOKEN -> classTokenVision(g, v);
          case MAP -> mapVision(g, v);
        };
    g.floatOutput(out, IMAGE_FEATURES, "batch", (long) config.embedDim());
    return g.toModelBytes();
  }

  /**
   * CLIP: class token, {@code ln_pre}, the blocks, {@code ln_post} on the class token, projection.
   */
  private String classTokenVision(OnnxGraph g, VisionConfig v) throws CheckpointException {
    int w = v.transformer().width();
    String patches = patchTokens(g, v, null);
    String batch = g.op("Shape", List.of(new IntAttr("start", 0), new IntAttr("end", 1)), PIXELS);
    String clsShape = g.op("Concat", List.of(new IntAttr("axis", 0)), batch, g.longs(1, w));
    String cls =
        g.op("Expand", g.weight("class_embedding", reader.classEmbedding(), 1, 1, w), clsShape);
    String seq = g.op("Concat", List.of(new IntAttr("axis", 1)), cls, patches);
    String x =
        g.op("Add", seq, g.weight("vision_positions", reader.visionPositions(), v.tokens(), w));
    x = layerNorm(g, x, "ln_pre", Global.LN_PRE_W, Global.LN_PRE_B, v.transformer());
    x = blocks(g, x, Tower.VISION, v.transformer(), null);
    String first = g.op("Gather", List.of(new IntAttr("axis", 1)), x, g.longScalar(0));
    String pooled =
        layerNorm(g, first, "ln_post", Global.LN_POST_W, Global.LN_POST_B, v.transformer());
    return project(g, pooled, "visual_projection", Global.VISION_PROJECTION, w);
  }

  /**
   * SigLIP: patch embedding with bias plus positions (no class token, no {@code ln_pre}), the
   * blocks, {@code ln_post} on every token, then the MAP head, whose single token is the feature.
   */
  private String mapVision(OnnxGraph g, VisionConfig v) throws CheckpointException {
    TransformerConfig c = v.transformer();
    int w = c.width();
    String patches = patchTokens(g, v, g.weight("patch_bias", reader.patchBias(), w));
    String x =
        g.op("Add", patches, g.weight("vision_positions", reader.visionPositions(), v.tokens(), w));
    x = blocks(g, x, Tower.VISION, c, null);
    x = layerNorm(g, x, "ln_post", Global.LN_POST_W, Global.LN_POST_B, c);
    return mapHead(g, x, reader.mapHead(), c);
  }

  /**
   * The stride-P patch convolution as {@code [batch, grid^2, W]} tokens, row-major over the grid.
   */
  private String patchTokens(OnnxGraph g, VisionConfig v, String bias) throws CheckpointException {
    int w = v.transformer().width();
    int p = v.patchSize();
    String weight = g.weight("patch_embedding", reader.patchConv(), w, 3, p, p);
    List<Attr> attrs = List.of(new IntsAttr("kernel_shape", p, p), new IntsAttr("strides", p, p));
    String conv =
        bias == null
            ? g.op("Conv", attrs, PIXELS, weight)
            : g.op("Conv", attrs, PIXELS, weight, bias);
    return g.op(
        "Transpose",
        List.of(new IntsAttr("perm", 0, 2, 1)),
        g.op("Reshape", conv, g.longs(0, w, -1)));
  }

  /**
   * The multi-head attention-pooling head over {@code x [batch, tokens, W]}: the probe's query
   * attends over the tokens with the tower's heads, the output projection (no residual around the
   * attention), then {@code y + fc2(act(fc1(ln(y))))}. Output {@code [batch, W]}.
   */
  private String mapHead(OnnxGraph g, String x, WeightReader.MapHead h, TransformerConfig c) {
    int w = c.width();
    int heads = c.heads();
    int d = c.headWidth();
    int m = c.mlpWidth();
    float[] qWeight = Arrays.copyOfRange(h.qkvWeight(), 0, w * w);
    float[] kvWeight = Arrays.copyOfRange(h.qkvWeight(), w * w, 3 * w * w);
    float[] qBias = Arrays.copyOfRange(h.qkvBias(), 0, w);
    float[] kvBias = Arrays.copyOfRange(h.qkvBias(), w, 3 * w);
    // One query for the whole batch: [1, heads, 1, d] broadcasts against every image's keys.
    String probe = g.weight("map.probe", h.probe(), 1, w);
    String query = linear(g, probe, "map.q", qWeight, qBias, w, w);
    String q =
        g.op(
            "Reshape",
            g.op("Mul", query, g.scalar((float) (1.0 / Math.sqrt(d)))),
            g.longs(1, heads, 1, d));
    String kv = linear(g, x, "map.kv", kvWeight, kvBias, 2 * w, w);
    String[] split = g.multiOp("Split", List.of(new IntAttr("axis", -1)), 2, kv, g.longs(w, w));
    String headShape = g.longs(0, 0, heads, d);
    String kt =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 3, 1)),
            g.op("Reshape", split[0], headShape));
    String v =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 1, 3)),
            g.op("Reshape", split[1], headShape));
    String probs = g.op("Softmax", List.of(new IntAttr("axis", -1)), g.op("MatMul", q, kt));
    // [batch, heads, 1, d] -> [batch, 1, heads, d] -> [batch, W]
    String context =
        g.op(
            "Reshape",
            g.op("Transpose", List.of(new IntsAttr("perm", 0, 2, 1, 3)), g.op("MatMul", probs, v)),
            g.longs(0, w));
    String y = linear(g, context, "map.out", h.outWeight(), h.outBias(), w, w);
    String normed =
        layerNorm(
            g,
            y,
            g.weight("map.ln.weight", h.lnWeight(), w),
            g.weight("map.ln.bias", h.lnBias(), w),
            c);
    String f = linear(g, normed, "map.fc1", h.fc1Weight(), h.fc1Bias(), m, w);
    String mlp =
        linear(g, activation(g, f, c.activation()), "map.fc2", h.fc2Weight(), h.fc2Bias(), w, m);
    return g.op("Add", y, mlp);
  }

  /** The serialised text-tower model. */
  byte[] text() throws CheckpointException {
    TextConfig t = config.text();
    OnnxGraph g = new OnnxGraph("clip_text", OPSET);
    String out =
        switch (t.head()) {
          case END_OF_TEXT -> endOfTextText(g, t);
          case LAST -> lastText(g, t);
        };
    g.floatOutput(out, TEXT_FEATURES, "batch", (long) config.embedDim());
    return g.toModelBytes();
  }

  /** CLIP: causal blocks, {@code ln_final} at each row's pooled position, projection. */
  private String endOfTextText(OnnxGraph g, TextConfig t) throws CheckpointException {
    int w = t.transformer().width();
    g.longInput(INPUT_IDS, "batch", "tokens");
    g.floatInput(CAUSAL_MASK, "tokens", "tokens");
    g.longInput(POOL_INDEX, "batch");
    String embedded =
        g.op(
            "Gather",
            g.weight("token_embedding", reader.tokenEmbedding(), t.vocabSize(), w),
            INPUT_IDS);
    String tokens =
        g.op("Shape", List.of(new IntAttr("start", 1), new IntAttr("end", 2)), INPUT_IDS);
    String positions =
        g.op(
            "Slice",
            g.weight("text_positions", reader.textPositions(), t.contextLength(), w),
            g.longs(0),
            tokens,
            g.longs(0));
    String x = g.op("Add", embedded, positions);
    x = blocks(g, x, Tower.TEXT, t.transformer(), CAUSAL_MASK);
    String rows = g.op("Reshape", x, g.longs(-1, w));
    String pooled = g.op("Gather", List.of(new IntAttr("axis", 0)), rows, POOL_INDEX);
    String normed =
        layerNorm(g, pooled, "ln_final", Global.LN_FINAL_W, Global.LN_FINAL_B, t.transformer());
    return project(g, normed, "text_projection", Global.TEXT_PROJECTION, w);
  }

  /**
   * SigLIP: the full context without any mask, {@code ln_final} at the last position (LayerNorm is
   * per position, so normalising only the pooled one is the same), projection with bias.
   */
  private String lastText(OnnxGraph g, TextConfig t) throws CheckpointException {
    int w = t.transformer().width();
    int context = t.contextLength();
    g.longInput(INPUT_IDS, "batch", (long) context);
    String embedded =
        g.op(
            "Gather",
            g.weight("token_embedding", reader.tokenEmbedding(), t.vocabSize(), w),
            INPUT_IDS);
    String x =
        g.op("Add", embedded, g.weight("text_positions", reader.textPositions(), context, w));
    x = blocks(g, x, Tower.TEXT, t.transformer(), null);
    String last = g.op("Gather", List.of(new IntAttr("axis", 1)), x, g.longScalar(context - 1));
    String normed =
        layerNorm(g, last, "ln_final", Global.LN_FINAL_W, Global.LN_FINAL_B, t.transformer());
    String projected = project(g, normed, "text_projection", Global.TEXT_PROJECTION, w);
    return g.op(
        "Add",
        projected,
        g.weight("text_projection.bias", reader.textProjectionBias(), config.embedDim()));
  }

  /** {@code x @ projection}, the projection read as {@code [width, embed]}. */
  private String project(OnnxGraph g, String x, String name, Global projection, int width)
      throws CheckpointException {
    String p = g.weight(name, reader.projection(projection, width), width, config.embedDim());
    return g.op("MatMul", x, p);
  }

  private String layerNorm(
      OnnxGraph g, String x, String name, Global weight, Global bias, TransformerConfig c)
      throws CheckpointException {
    int w = c.width();
    return layerNorm(
        g,
        x,
        g.weight(name + ".weight", reader.global(weight, name, w), w),
        g.weight(name + ".bias", reader.global(bias, name, w), w),
        c);
  }

  private static String layerNorm(
      OnnxGraph g, String x, String weight, String bias, TransformerConfig c) {
    List<Attr> attrs = List.of(new IntAttr("axis", -1), new FloatAttr("epsilon", c.layerNormEps()));
    return g.op("LayerNormalization", attrs, x, weight, bias);
  }

  private String blocks(OnnxGraph g, String x, Tower tower, TransformerConfig c, String mask)
      throws CheckpointException {
    List<WeightReader.Block> blocks = reader.blocks(tower, c);
    String h = x;
    for (int i = 0; i < blocks.size(); i++) {
      h = block(g, h, blocks.get(i), tower.name().toLowerCase(java.util.Locale.ROOT) + i, c, mask);
    }
    return h;
  }

  private String block(
      OnnxGraph g, String x, WeightReader.Block b, String name, TransformerConfig c, String mask) {
    int w = c.width();
    int heads = c.heads();
    int d = c.headWidth();
    int m = c.mlpWidth();
    String h =
        layerNorm(
            g,
            x,
            g.weight(name + ".ln_1.weight", b.ln1Weight(), w),
            g.weight(name + ".ln_1.bias", b.ln1Bias(), w),
            c);
    String qkv = linear(g, h, name + ".qkv", b.qkvWeight(), b.qkvBias(), 3 * w, w);
    String[] split = g.multiOp("Split", List.of(new IntAttr("axis", -1)), 3, qkv, g.longs(w, w, w));
    String headShape = g.longs(0, 0, heads, d);
    String q =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 1, 3)),
            g.op(
                "Reshape",
                g.op("Mul", split[0], g.scalar((float) (1.0 / Math.sqrt(d)))),
                headShape));
    String kt =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 3, 1)),
            g.op("Reshape", split[1], headShape));
    String v =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 1, 3)),
            g.op("Reshape", split[2], headShape));
    String scores = g.op("MatMul", q, kt);
    if (mask != null) {
      scores = g.op("Add", scores, mask);
    }
    String probs = g.op("Softmax", List.of(new IntAttr("axis", -1)), scores);
    String context =
        g.op(
            "Reshape",
            g.op("Transpose", List.of(new IntsAttr("perm", 0, 2, 1, 3)), g.op("MatMul", probs, v)),
            g.longs(0, 0, w));
    String attn = linear(g, context, name + ".out", b.outWeight(), b.outBias(), w, w);
    String x1 = g.op("Add", x, attn);
    String h2 =
        layerNorm(
            g,
            x1,
            g.weight(name + ".ln_2.weight", b.ln2Weight(), w),
            g.weight(name + ".ln_2.bias", b.ln2Bias(), w),
            c);
    String f = linear(g, h2, name + ".fc1", b.fc1Weight(), b.fc1Bias(), m, w);
    String act = activation(g, f, c.activation());
    String out = linear(g, act, name + ".fc2", b.fc2Weight(), b.fc2Bias(), w, m);
    return g.op("Add", x1, out);
  }

  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  /**
   * The MLP activation, composed from opset-17 ops (the {@code Gelu} op, with its tanh {@code
   * approximate} attribute, arrives only in opset 20).
   */
  private static String activation(OnnxGraph g, String f, Activation activation) {
    return switch (activation) {
      case QUICK_GELU -> g.op("Mul", f, g.op("Sigmoid", g.op("Mul", f, g.scalar(1.702f))));
      case GELU ->
          g.op(
              "Mul",
              g.op("Mul", f, g.scalar(0.5f)),
              g.op(
                  "Add",
                  g.scalar(1f),
                  g.op("Erf", g.op("Mul", f, g.scalar((float) (1.0 / Math.sqrt(2.0)))))));
      case GELU_TANH -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), PyTorch's approximate="tanh".
        String cube = g.op("Mul", g.op("Mul", f, f), f);
        String inner = g.op("Add", f, g.op("Mul", cube, g.scalar(0.044715f)));
        String t = g.op("Tanh", g.op("Mul", inner, g.scalar((float) SQRT_2_OVER_PI)));
        yield g.op("Mul", g.op("Mul", f, g.scalar(0.5f)), g.op("Add", g.scalar(1f), t));
      }
    };
  }

  /** {@code x @ weight^T + bias} for a canonical {@code [out, in]} weight. */
  private String linear(
      OnnxGraph g, String x, String name, float[] weight, float[] bias, int out, int in) {
    if (int8) {
      for (int block : QUANT_BLOCKS) {
        if (in % block == 0) {
          return quantizedLinear(g, x, name, weight, bias, out, in, block);
        }
      }
    }
    String wt = g.weight(name + ".weight_t", WeightReader.transpose(weight, out, in), in, out);
    return g.op("Add", g.op("MatMul", x, wt), g.weight(name + ".bias", bias, out));
  }

  /**
   * {@code MatMulNBits} with 8-bit weights: per output row, blocks of {@code block} inputs share
   * one float scale ({@code max |w| / 127}, zero point 128); accuracy level 4 quantizes the
   * activations per block too and multiplies in int8 (VNNI where the CPU has it).
   */
  private static String quantizedLinear(
      OnnxGraph g,
      String x,
      String name,
      float[] weight,
      float[] bias,
      int out,
      int in,
      int block) {
    int blocks = in / block;
    byte[] q = new byte[out * in];
    float[] scales = new float[out * blocks];
    for (int n = 0; n < out; n++) {
      for (int blk = 0; blk < blocks; blk++) {
        int base = n * in + blk * block;
        float max = 0;
        for (int i = 0; i < block; i++) {
          max = Math.max(max, Math.abs(weight[base + i]));
        }
        float scale = max == 0 ? 1f : max / 127f;
        scales[n * blocks + blk] = scale;
        for (int i = 0; i < block; i++) {
          int v = Math.round(weight[base + i] / scale) + 128;
          q[base + i] = (byte) Math.max(1, Math.min(255, v));
        }
      }
    }
    String b = g.bytes(name + ".weight_q8", q, out, blocks, block);
    String s = g.weight(name + ".scales", scales, (long) out * blocks);
    String y =
        g.msOp(
            "MatMulNBits",
            List.of(
                new IntAttr("K", in),
                new IntAttr("N", out),
                new IntAttr("bits", 8),
                new IntAttr("block_size", block),
                new IntAttr("accuracy_level", 4)),
            x,
            b,
            s);
    return g.op("Add", y, g.weight(name + ".bias", bias, out));
  }
}
