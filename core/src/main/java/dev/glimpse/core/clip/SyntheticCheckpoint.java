package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.clip.CheckpointLayout.Global;
import dev.glimpse.core.clip.CheckpointLayout.Part;
import dev.glimpse.core.clip.CheckpointLayout.Tower;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes random-weight checkpoints: CLIP in the open_clip layout, SigLIP in the transformers
 * layout. Speed does not depend on weight values, so benchmarks use this with real geometries (e.g.
 * {@link #VIT_B_32}) where real weights cannot be downloaded.
 */
public final class SyntheticCheckpoint {
  /** OpenAI ViT-B/32: 224 px, patch 32, width 768 x12, text 512 x12 (8 heads), embed 512. */
  public static final ClipConfig VIT_B_32 =
      new ClipConfig(
          512,
          new VisionConfig(
              224, 32, new TransformerConfig(768, 12, 12, 3072, Activation.QUICK_GELU, 1e-5f)),
          new TextConfig(
              77, 49408, new TransformerConfig(512, 12, 8, 2048, Activation.QUICK_GELU, 1e-5f)));

  private SyntheticCheckpoint() {}

  /** Writes {@code open_clip_config.json} and {@code open_clip_model.safetensors} into dir. */
  public static void write(Path dir, ClipConfig config, long seed, DType dtype) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    CheckpointLayout layout = CheckpointLayout.OPEN_CLIP;
    Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
    VisionConfig v = config.vision();
    TextConfig x = config.text();
    int vw = v.transformer().width();
    int tw = x.transformer().width();
    int e = config.embedDim();
    int p = v.patchSize();
    put(t, layout.global(Global.PATCH_EMBEDDING), random, 0.02, 0, vw, 3, p, p);
    put(t, layout.global(Global.CLASS_EMBEDDING), random, 0.02, 0, vw);
    put(t, layout.global(Global.VISION_POSITIONS), random, 0.02, 0, v.tokens(), vw);
    put(t, layout.global(Global.LN_PRE_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.LN_PRE_B), random, 0.1, 0, vw);
    put(t, layout.global(Global.LN_POST_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.LN_POST_B), random, 0.1, 0, vw);
    put(t, layout.global(Global.VISION_PROJECTION), random, 0.02, 0, vw, e);
    put(t, layout.global(Global.TOKEN_EMBEDDING), random, 0.02, 0, x.vocabSize(), tw);
    put(t, layout.global(Global.TEXT_POSITIONS), random, 0.01, 0, x.contextLength(), tw);
    put(t, layout.global(Global.LN_FINAL_W), random, 0.1, 1, tw);
    put(t, layout.global(Global.LN_FINAL_B), random, 0.1, 0, tw);
    put(t, layout.global(Global.TEXT_PROJECTION), random, 0.02, 0, tw, e);
    t.put(
        layout.global(Global.LOGIT_SCALE),
        new SafetensorsWriter.Tensor(new long[0], new float[] {(float) Math.log(1 / 0.07)}));
    blocks(t, layout, Tower.VISION, v.transformer(), random);
    blocks(t, layout, Tower.TEXT, x.transformer(), random);
    SafetensorsWriter.write(dir.resolve(layout.weightsFile()), t, dtype);
    Files.writeString(dir.resolve(layout.configFile()), openClipConfig(config));
  }

  /**
   * Writes a random-weight SigLIP checkpoint in the transformers {@code SiglipModel} layout ({@code
   * config.json} and {@code model.safetensors}), which names each tower's activation and LayerNorm
   * epsilon, into dir. {@code config} must have the MAP image head and the last-token text head.
   */
  public static void writeSiglip(Path dir, ClipConfig config, long seed, DType dtype)
      throws IOException {
    VisionConfig v = config.vision();
    TextConfig x = config.text();
    if (v.head() != VisionHead.MAP || x.head() != TextHead.LAST) {
      throw new IllegalArgumentException("not a SigLIP geometry: " + config.summary());
    }
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    CheckpointLayout layout = CheckpointLayout.SIGLIP_HF;
    Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
    int vw = v.transformer().width();
    int tw = x.transformer().width();
    int vm = v.transformer().mlpWidth();
    int e = config.embedDim();
    int p = v.patchSize();
    put(t, layout.global(Global.PATCH_EMBEDDING), random, 0.02, 0, vw, 3, p, p);
    put(t, layout.global(Global.PATCH_BIAS), random, 0.05, 0, vw);
    put(t, layout.global(Global.VISION_POSITIONS), random, 0.02, 0, v.tokens(), vw);
    put(t, layout.global(Global.LN_POST_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.LN_POST_B), random, 0.1, 0, vw);
    put(t, layout.global(Global.MAP_PROBE), random, 0.5, 0, 1, 1, vw);
    put(t, layout.global(Global.MAP_QKV_W), random, 1 / Math.sqrt(vw), 0, 3 * vw, vw);
    put(t, layout.global(Global.MAP_QKV_B), random, 0.05, 0, 3 * vw);
    put(t, layout.global(Global.MAP_OUT_W), random, 1 / Math.sqrt(vw), 0, vw, vw);
    put(t, layout.global(Global.MAP_OUT_B), random, 0.05, 0, vw);
    put(t, layout.global(Global.MAP_LN_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.MAP_LN_B), random, 0.1, 0, vw);
    put(t, layout.global(Global.MAP_FC1_W), random, 1 / Math.sqrt(vw), 0, vm, vw);
    put(t, layout.global(Global.MAP_FC1_B), random, 0.05, 0, vm);
    put(t, layout.global(Global.MAP_FC2_W), random, 1 / Math.sqrt(vm), 0, vw, vm);
    put(t, layout.global(Global.MAP_FC2_B), random, 0.05, 0, vw);
    put(t, layout.global(Global.TOKEN_EMBEDDING), random, 0.02, 0, x.vocabSize(), tw);
    put(t, layout.global(Global.TEXT_POSITIONS), random, 0.01, 0, x.contextLength(), tw);
    put(t, layout.global(Global.LN_FINAL_W), random, 0.1, 1, tw);
    put(t, layout.global(Global.LN_FINAL_B), random, 0.1, 0, tw);
    put(t, layout.global(Global.TEXT_PROJECTION), random, 1 / Math.sqrt(tw), 0, e, tw);
    put(t, layout.global(Global.TEXT_PROJECTION_B), random, 0.05, 0, e);
    t.put(
        layout.global(Global.LOGIT_SCALE),
        new SafetensorsWriter.Tensor(new long[] {1}, new float[] {(float) Math.log(10)}));
    t.put(
        layout.global(Global.LOGIT_BIAS),
        new SafetensorsWriter.Tensor(new long[] {1}, new float[] {-10f}));
    blocks(t, layout, Tower.VISION, v.transformer(), random);
    blocks(t, layout, Tower.TEXT, x.transformer(), random);
    SafetensorsWriter.write(dir.resolve(layout.weightsFile()), t, dtype);
    Files.writeString(dir.resolve(layout.configFile()), siglipConfig(config));
  }

  private static String siglipConfig(ClipConfig c) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.putArray("architectures").add("SiglipModel");
    root.put("model_type", "siglip");
    ObjectNode t = root.putObject("text_config");
    t.put("vocab_size", c.text().vocabSize());
    t.put("max_position_embeddings", c.text().contextLength());
    t.put("projection_size", c.embedDim());
    hfTransformer(t, c.text().transformer());
    ObjectNode v = root.putObject("vision_config");
    v.put("image_size", c.vision().imageSize());
    v.put("patch_size", c.vision().patchSize());
    v.put("num_channels", 3);
    hfTransformer(v, c.vision().transformer());
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static void hfTransformer(ObjectNode n, TransformerConfig c) {
    n.put("hidden_size", c.width());
    n.put("intermediate_size", c.mlpWidth());
    n.put("num_hidden_layers", c.layers());
    n.put("num_attention_heads", c.heads());
    n.put(
        "hidden_act",
        switch (c.activation()) {
          case QUICK_GELU -> "quick_gelu";
          case GELU -> "gelu";
          case GELU_TANH -> "gelu_pytorch_tanh";
        });
    n.put("layer_norm_eps", c.layerNormEps());
  }

  private static void blocks(
      Map<String, SafetensorsWriter.Tensor> t,
      CheckpointLayout layout,
      Tower tower,
      TransformerConfig c,
      SplittableRandom r) {
    int w = c.width();
    int m = c.mlpWidth();
    for (int i = 0; i < c.layers(); i++) {
      put(t, layout.block(tower, i, Part.LN1_W), r, 0.1, 1, w);
      put(t, layout.block(tower, i, Part.LN1_B), r, 0.1, 0, w);
      if (layout.fusedQkv()) {
        put(t, layout.block(tower, i, Part.QKV_W), r, 1 / Math.sqrt(w), 0, 3 * w, w);
        put(t, layout.block(tower, i, Part.QKV_B), r, 0.02, 0, 3 * w);
      } else {
        for (Part[] wb :
            new Part[][] {{Part.Q_W, Part.Q_B}, {Part.K_W, Part.K_B}, {Part.V_W, Part.V_B}}) {
          put(t, layout.block(tower, i, wb[0]), r, 1 / Math.sqrt(w), 0, w, w);
          put(t, layout.block(tower, i, wb[1]), r, 0.02, 0, w);
        }
      }
      put(t, layout.block(tower, i, Part.OUT_W), r, 1 / Math.sqrt(w), 0, w, w);
      put(t, layout.block(tower, i, Part.OUT_B), r, 0.02, 0, w);
      put(t, layout.block(tower, i, Part.LN2_W), r, 0.1, 1, w);
      put(t, layout.block(tower, i, Part.LN2_B), r, 0.1, 0, w);
      put(t, layout.block(tower, i, Part.FC1_W), r, 1 / Math.sqrt(w), 0, m, w);
      put(t, layout.block(tower, i, Part.FC1_B), r, 0.02, 0, m);
      put(t, layout.block(tower, i, Part.FC2_W), r, 1 / Math.sqrt(m), 0, w, m);
      put(t, layout.block(tower, i, Part.FC2_B), r, 0.02, 0, w);
    }
  }

  private static void put(
      Map<String, SafetensorsWriter.Tensor> t,
      String name,
      SplittableRandom r,
      double std,
      double mean,
      long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (mean + std * r.nextGaussian());
    }
    t.put(name, new SafetensorsWriter.Tensor(shape, values));
  }

  private static String openClipConfig(ClipConfig c) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode m = root.putObject("model_cfg");
    m.put("embed_dim", c.embedDim());
    m.put("quick_gelu", c.vision().transformer().activation() == Activation.QUICK_GELU);
    ObjectNode v = m.putObject("vision_cfg");
    TransformerConfig vt = c.vision().transformer();
    v.put("image_size", c.vision().imageSize());
    v.put("layers", vt.layers());
    v.put("width", vt.width());
    v.put("head_width", vt.headWidth());
    v.put("mlp_ratio", (double) vt.mlpWidth() / vt.width());
    v.put("patch_size", c.vision().patchSize());
    ObjectNode t = m.putObject("text_cfg");
    TransformerConfig tt = c.text().transformer();
    t.put("context_length", c.text().contextLength());
    t.put("vocab_size", c.text().vocabSize());
    t.put("width", tt.width());
    t.put("heads", tt.heads());
    t.put("layers", tt.layers());
    t.put("mlp_ratio", (double) tt.mlpWidth() / tt.width());
    ObjectNode p = root.putObject("preprocess_cfg");
    p.putArray("mean").add(0.48145466).add(0.4578275).add(0.40821073);
    p.putArray("std").add(0.26862954).add(0.26130258).add(0.27577711);
    p.put("interpolation", "bicubic");
    p.put("resize_mode", "shortest");
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
