package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;

/**
 * A stack of CLIP's pre-LayerNorm residual blocks: {@code x + attn(ln_1(x))}, then {@code x +
 * mlp(ln_2(x))}. Stateless apart from its weights, so one instance serves many threads; each call
 * allocates in the caller's {@link NDManager} and frees intermediates as it goes, so a batch never
 * holds more than a few layers' activations.
 */
final class Transformer {
  private final TransformerConfig config;
  private final List<BlockWeights> blocks;
  private final Shape normShape;
  private final float scale;

  /**
   * Up to this many rows (batch x tokens), a linear layer whose output is at least as wide as its
   * input runs as {@code W @ x^T}. For so few rows MKL's GEMM in the usual {@code x @ W^T} form
   * spends its time packing the weight; with the weight as the left operand it streams it. Measured
   * on ViT-B/32 text weights at 10 rows: qkv 0.29 to 0.23 ms, fc1 0.38 to 0.29 ms, but fc2 (output
   * narrower than input) 0.32 to 0.41 ms, hence the width condition.
   */
  static final long SMALL_ROWS = 16;

  Transformer(TransformerConfig config, List<BlockWeights> blocks) {
    if (blocks.size() != config.layers()) {
      throw new IllegalArgumentException(
          blocks.size() + " blocks for a " + config.layers() + "-layer config");
    }
    this.config = config;
    this.blocks = List.copyOf(blocks);
    this.normShape = new Shape(config.width());
    this.scale = (float) (1.0 / Math.sqrt(config.headWidth()));
  }

  /**
   * Runs all blocks on {@code x} of shape {@code [batch, tokens, width]}.
   *
   * @param causal whether to mask attention to later tokens (the text tower)
   * @return the output, attached to {@code x}'s manager; {@code x} is closed
   */
  NDArray forward(NDArray x, boolean causal) {
    NDArray mask = causal ? causalMask(x.getManager(), (int) x.getShape().get(1)) : null;
    try {
      NDArray h = x;
      for (BlockWeights b : blocks) {
        NDArray next = block(h, b, mask);
        h.close();
        h = next;
      }
      return h;
    } finally {
      if (mask != null) {
        mask.close();
      }
    }
  }

  TransformerConfig config() {
    return config;
  }

  List<BlockWeights> blocks() {
    return blocks;
  }

  NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    return LayerNorm.layerNorm(x, normShape, weight, bias, config.layerNormEps())
        .singletonOrThrow();
  }

  private NDArray block(NDArray x, BlockWeights b, NDArray mask) {
    NDArray h = layerNorm(x, b.ln1Weight(), b.ln1Bias());
    NDArray a = attention(h, b, mask);
    h.close();
    NDArray x1 = x.add(a);
    a.close();
    NDArray h2 = layerNorm(x1, b.ln2Weight(), b.ln2Bias());
    NDArray m = mlp(h2, b);
    h2.close();
    NDArray out = x1.add(m);
    m.close();
    x1.close();
    return out;
  }

  private NDArray attention(NDArray x, BlockWeights b, NDArray mask) {
    Shape s = x.getShape();
    long batch = s.get(0);
    long tokens = s.get(1);
    int heads = config.heads();
    int d = config.headWidth();
    NDArray qkv = linear(x, b.qkvWeight(), b.qkvBias());
    NDArray split = qkv.reshape(batch, tokens, 3, heads, d).transpose(2, 0, 3, 1, 4);
    qkv.close();
    NDArray q = split.get(0).mul(scale);
    NDArray k = split.get(1);
    NDArray v = split.get(2);
    split.close();
    NDArray kt = k.transpose(0, 1, 3, 2);
    NDArray scores = q.matMul(kt);
    q.close();
    kt.close();
    k.close();
    if (mask != null) {
      scores.addi(mask);
    }
    NDArray probs = scores.softmax(-1);
    scores.close();
    NDArray ctx = probs.matMul(v);
    probs.close();
    v.close();
    NDArray merged = ctx.transpose(0, 2, 1, 3).reshape(batch, tokens, config.width());
    ctx.close();
    NDArray out = linear(merged, b.outWeight(), b.outBias());
    merged.close();
    return out;
  }

  /** {@code fc2(act(fc1(x)))}, attached to x's manager. */
  NDArray mlp(NDArray x, NDArray fc1Weight, NDArray fc1Bias, NDArray fc2Weight, NDArray fc2Bias) {
    NDArray h = linear(x, fc1Weight, fc1Bias);
    NDArray act = activate(h);
    h.close();
    NDArray out = linear(act, fc2Weight, fc2Bias);
    act.close();
    return out;
  }

  /**
   * Multi-head attention of {@code queries} {@code [B, Tq, W]} (already projected) over {@code
   * keys} and {@code values} {@code [B, Tk, W]}, heads merged: {@code [B, Tq, W]}, before the
   * output projection.
   */
  NDArray attend(NDArray queries, NDArray keys, NDArray values) {
    long batch = keys.getShape().get(0);
    long tq = queries.getShape().get(1);
    long tk = keys.getShape().get(1);
    int heads = config.heads();
    int d = config.headWidth();
    try (NDArray qh = queries.reshape(batch, tq, heads, d).transpose(0, 2, 1, 3);
        NDArray q = qh.mul(scale);
        NDArray kh = keys.reshape(batch, tk, heads, d).transpose(0, 2, 3, 1);
        NDArray vh = values.reshape(batch, tk, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(kh);
        NDArray probs = scores.softmax(-1);
        NDArray ctx = probs.matMul(vh)) {
      return ctx.transpose(0, 2, 1, 3).reshape(batch, tq, config.width());
    }
  }

  private NDArray mlp(NDArray x, BlockWeights b) {
    NDArray h = linear(x, b.fc1Weight(), b.fc1Bias());
    NDArray act = activate(h);
    h.close();
    NDArray out = linear(act, b.fc2Weight(), b.fc2Bias());
    act.close();
    return out;
  }

  /** {@code x @ weight^T + bias} over the last dimension, attached to x's manager. */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    Shape s = x.getShape();
    long in = s.get(s.dimension() - 1);
    long rows = s.size() / in;
    long out = weight.getShape().get(0);
    if (rows > SMALL_ROWS || out < in) {
      return Linear.linear(x, weight, bias).singletonOrThrow();
    }
    NDArray flat = x.reshape(rows, in);
    NDArray yt = weight.matMul(flat.transpose());
    // The product belongs to the weight's manager; move it to the caller's at once.
    yt.attach(x.getManager());
    flat.close();
    // flatten() copies the transposed view into row-major order, so later ops see contiguous data.
    NDArray rowMajor = yt.transpose().flatten();
    yt.close();
    long[] dims = s.getShape();
    dims[dims.length - 1] = out;
    NDArray shaped = rowMajor.reshape(new Shape(dims));
    rowMajor.close();
    NDArray result = shaped.add(bias);
    shaped.close();
    return result;
  }

  /** The MLP activation of this stack, as a new array. */
  NDArray activate(NDArray h) {
    return switch (config.activation()) {
      case QUICK_GELU -> {
        NDArray scaled = h.mul(1.702f);
        NDArray gate = ai.djl.nn.Activation.sigmoid(scaled);
        scaled.close();
        NDArray out = h.mul(gate);
        gate.close();
        yield out;
      }
      case GELU -> ai.djl.nn.Activation.gelu(h);
      case GELU_TANH -> geluTanh(h);
    };
  }

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

  /**
   * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, PyTorch's {@code approximate="tanh"}.
   */
  private static NDArray geluTanh(NDArray x) {
    try (NDArray cube = x.pow(3f);
        NDArray scaledCube = cube.mul(0.044715f);
        NDArray inner = x.add(scaledCube);
        NDArray arg = inner.mul(SQRT_2_OVER_PI);
        NDArray t = arg.tanh();
        NDArray onePlus = t.add(1f);
        NDArray half = x.mul(0.5f)) {
      return half.mul(onePlus);
    }
  }

  private static NDArray causalMask(NDManager manager, int tokens) {
    return manager.create(TokenRows.causalMask(tokens), new Shape(tokens, tokens));
  }
}
