package dev.glimpse.core.clip;

import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import dev.glimpse.core.onnx.OnnxGraph;
import dev.glimpse.core.onnx.OnnxGraph.Attr;
import dev.glimpse.core.onnx.OnnxGraph.FloatAttr;
import dev.glimpse.core.onnx.OnnxGraph.IntAttr;
import dev.glimpse.core.onnx.OnnxGraph.IntsAttr;
import java.util.List;

/**
 * The two CLIP towers as ONNX graphs, built from a checkpoint's canonical weights.
 *
 * <p>The graphs compute exactly what {@link VisionTower} and {@link TextTower} compute, with
 * standard ONNX ops (opset 17) only, so ONNX Runtime's graph optimiser can fuse them as it fuses
 * exported models.
 *
 * <ul>
 *   <li>Image graph: input {@code pixel_values [batch, 3, S, S]}, output {@code image_features
 *       [batch, embed]}.
 *   <li>Text graph: inputs {@code input_ids [batch, tokens]} (int64), {@code causal_mask [tokens,
 *       tokens]} (0 on and below the diagonal, -inf above) and {@code pool_index [batch]} (int64,
 *       the flattened row {@code r * tokens + eot} to pool at); output {@code text_features [batch,
 *       embed]}. Tokens may stop at the last end-of-text token of the batch.
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
    int w = v.transformer().width();
    int p = v.patchSize();
    int s = v.imageSize();
    OnnxGraph g = new OnnxGraph("clip_vision", OPSET);
    g.floatInput(PIXELS, "batch", 3L, (long) s, (long) s);
    String conv =
        g.op(
            "Conv",
            List.of(new IntsAttr("kernel_shape", p, p), new IntsAttr("strides", p, p)),
            PIXELS,
            g.weight("patch_embedding", reader.patchConv(), w, 3, p, p));
    String patches =
        g.op(
            "Transpose",
            List.of(new IntsAttr("perm", 0, 2, 1)),
            g.op("Reshape", conv, g.longs(0, w, -1)));
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
    String out = project(g, pooled, "visual_projection", Global.VISION_PROJECTION, w);
    g.floatOutput(out, IMAGE_FEATURES, "batch", (long) config.embedDim());
    return g.toModelBytes();
  }

  /** The serialised text-tower model. */
  byte[] text() throws CheckpointException {
    TextConfig t = config.text();
    int w = t.transformer().width();
    OnnxGraph g = new OnnxGraph("clip_text", OPSET);
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
    String out = project(g, normed, "text_projection", Global.TEXT_PROJECTION, w);
    g.floatOutput(out, TEXT_FEATURES, "batch", (long) config.embedDim());
    return g.toModelBytes();
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
    String act =
        switch (c.activation()) {
          case QUICK_GELU -> g.op("Mul", f, g.op("Sigmoid", g.op("Mul", f, g.scalar(1.702f))));
          case GELU ->
              g.op(
                  "Mul",
                  g.op("Mul", f, g.scalar(0.5f)),
                  g.op(
                      "Add",
                      g.scalar(1f),
                      g.op("Erf", g.op("Mul", f, g.scalar((float) (1.0 / Math.sqrt(2.0)))))));
          case GELU_TANH ->
              throw new IllegalStateException("tanh GELU is not built on ONNX Runtime yet");
        };
    String out = linear(g, act, name + ".fc2", b.fc2Weight(), b.fc2Bias(), w, m);
    return g.op("Add", x1, out);
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
