package dev.glimpse.core.clip;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The same residual blocks as {@link Transformer}, in plain Java for a few rows (a search query),
 * with bfloat16 linear weights ({@link Bf16Linear}). LayerNorm, attention scores, softmax, the
 * activation and the residual adds stay in float32.
 *
 * <p>At 10 tokens the libtorch path spends its time in per-op overhead and in MKL repacking the
 * weights; here each block is a few loops over arrays that fit in L1 plus four weight streams.
 * Thread-safe: immutable after construction.
 */
final class FewRowTransformer {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** One block's weights: LayerNorm parameters in float32, linear layers packed to bf16. */
  private record Block(
      float[] ln1Weight,
      float[] ln1Bias,
      Bf16Linear qkv,
      Bf16Linear outProj,
      float[] ln2Weight,
      float[] ln2Bias,
      Bf16Linear fc1,
      Bf16Linear fc2) {}

  private final TransformerConfig config;
  private final List<Block> blocks;
  private final float scale;

  private FewRowTransformer(TransformerConfig config, List<Block> blocks) {
    this.config = config;
    this.blocks = List.copyOf(blocks);
    this.scale = (float) (1.0 / Math.sqrt(config.headWidth()));
  }

  /** Whether a stack of this geometry can run here (QuickGELU, widths divisible by 64). */
  static boolean supports(TransformerConfig c) {
    return c.activation() == Activation.QUICK_GELU
        && Bf16Linear.supports(c.width())
        && Bf16Linear.supports(c.mlpWidth());
  }

  /** Copies and packs the weights of a loaded float32 stack. */
  static FewRowTransformer of(Transformer fp32) {
    TransformerConfig c = fp32.config();
    if (!supports(c)) {
      throw new IllegalArgumentException(
          "the bf16 few-row path needs QuickGELU and widths divisible by "
              + Bf16Linear.BLOCK
              + "; got "
              + c);
    }
    int w = c.width();
    int m = c.mlpWidth();
    List<Block> out = new ArrayList<>();
    for (BlockWeights b : fp32.blocks()) {
      out.add(
          new Block(
              b.ln1Weight().toFloatArray(),
              b.ln1Bias().toFloatArray(),
              new Bf16Linear(b.qkvWeight().toFloatArray(), b.qkvBias().toFloatArray(), 3 * w, w),
              new Bf16Linear(b.outWeight().toFloatArray(), b.outBias().toFloatArray(), w, w),
              b.ln2Weight().toFloatArray(),
              b.ln2Bias().toFloatArray(),
              new Bf16Linear(b.fc1Weight().toFloatArray(), b.fc1Bias().toFloatArray(), m, w),
              new Bf16Linear(b.fc2Weight().toFloatArray(), b.fc2Bias().toFloatArray(), w, m)));
    }
    return new FewRowTransformer(c, out);
  }

  /**
   * Runs all blocks.
   *
   * @param x {@code [batch, tokens, width]} row-major; not modified
   * @param causal mask attention to later tokens (the text tower)
   * @return the output, same shape
   */
  float[] forward(float[] x, int batch, int tokens, boolean causal) {
    int w = config.width();
    if (x.length != batch * tokens * w) {
      throw new IllegalArgumentException(
          x.length + " values for " + batch + " x " + tokens + " tokens of width " + w);
    }
    float[] h = x.clone();
    int rows = batch * tokens;
    for (Block b : blocks) {
      float[] a = b.qkv().apply(layerNorm(h, rows, b.ln1Weight(), b.ln1Bias()), rows);
      addInto(h, b.outProj().apply(attention(a, batch, tokens, causal), rows));
      float[] m = b.fc1().apply(layerNorm(h, rows, b.ln2Weight(), b.ln2Bias()), rows);
      quickGelu(m);
      addInto(h, b.fc2().apply(m, rows));
    }
    return h;
  }

  private float[] layerNorm(float[] x, int rows, float[] weight, float[] bias) {
    int w = config.width();
    float[] y = new float[x.length];
    for (int r = 0; r < rows; r++) {
      int o = r * w;
      double sum = 0;
      for (int i = 0; i < w; i++) {
        sum += x[o + i];
      }
      float mean = (float) (sum / w);
      double sq = 0;
      for (int i = 0; i < w; i++) {
        float d = x[o + i] - mean;
        sq += d * d;
      }
      float inv = (float) (1.0 / Math.sqrt(sq / w + config.layerNormEps()));
      for (int i = 0; i < w; i++) {
        y[o + i] = (x[o + i] - mean) * inv * weight[i] + bias[i];
      }
    }
    return y;
  }

  /**
   * Multi-head attention over {@code qkv [batch, tokens, 3, heads, d]}; returns the heads merged.
   */
  private float[] attention(float[] qkv, int batch, int tokens, boolean causal) {
    int w = config.width();
    int d = config.headWidth();
    float[] ctx = new float[batch * tokens * w];
    float[] p = new float[tokens];
    for (int n = 0; n < batch; n++) {
      for (int head = 0; head < config.heads(); head++) {
        for (int i = 0; i < tokens; i++) {
          int q = ((n * tokens + i) * 3) * w + head * d;
          int last = causal ? i : tokens - 1;
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j <= last; j++) {
            int k = ((n * tokens + j) * 3 + 1) * w + head * d;
            float s = 0;
            for (int t = 0; t < d; t++) {
              s += qkv[q + t] * scale * qkv[k + t];
            }
            p[j] = s;
            max = Math.max(max, s);
          }
          float sum = 0;
          for (int j = 0; j <= last; j++) {
            p[j] = (float) Math.exp(p[j] - max);
            sum += p[j];
          }
          int c = (n * tokens + i) * w + head * d;
          for (int j = 0; j <= last; j++) {
            float pj = p[j] / sum;
            int v = ((n * tokens + j) * 3 + 2) * w + head * d;
            for (int t = 0; t < d; t++) {
              ctx[c + t] += pj * qkv[v + t];
            }
          }
        }
      }
    }
    return ctx;
  }

  /** {@code x * sigmoid(1.702 x)} in place. */
  private static void quickGelu(float[] x) {
    int i = 0;
    for (int bound = F.loopBound(x.length); i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, i);
      FloatVector e = v.mul(-1.702f).lanewise(VectorOperators.EXP);
      v.div(e.add(1f)).intoArray(x, i);
    }
    for (; i < x.length; i++) {
      x[i] = (float) (x[i] / (1 + Math.exp(-1.702 * x[i])));
    }
  }

  private static void addInto(float[] x, float[] y) {
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
  }
}
