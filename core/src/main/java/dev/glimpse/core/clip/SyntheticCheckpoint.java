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
 * Writes a random-weight checkpoint in open_clip's hub layout: CLIP with OpenAI's state-dict names,
 * SigLIP and SigLIP 2 (a MAP-pooled config) with a timm trunk as {@code timm/ViT-B-16-SigLIP2} has
 * it. Speed does not depend on weight values, so benchmarks use this with real geometries (e.g.
 * {@link #VIT_B_32}, {@link #SIGLIP2_B16_224}) where real weights cannot be downloaded. No
 * tokenizer file is written.
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

  /**
   * SigLIP 2 B/16 at 224 px ({@code timm/ViT-B-16-SigLIP2}): timm {@code
   * vit_base_patch16_siglip_224} (768 x12, erf GELU), text 768 x12 with tanh GELU, Gemma's 256,000
   * tokens, context 64, embed 768.
   */
  public static final ClipConfig SIGLIP2_B16_224 = siglip2(224, 16, Activation.GELU);

  /**
   * SigLIP 2 B/32 at 256 px ({@code timm/ViT-B-32-SigLIP2-256}): timm {@code
   * vit_base_patch32_siglip_256} (768 x12, tanh GELU), text as {@link #SIGLIP2_B16_224}.
   */
  public static final ClipConfig SIGLIP2_B32_256 = siglip2(256, 32, Activation.GELU_TANH);

  /** timm's ViT LayerNorm epsilon, which a timm config cannot change. */
  private static final float TIMM_EPS = 1e-6f;

  private SyntheticCheckpoint() {}

  private static ClipConfig siglip2(int imageSize, int patch, Activation visionAct) {
    return new ClipConfig(
        768,
        new VisionConfig(
            imageSize,
            patch,
            new TransformerConfig(768, 12, 12, 3072, visionAct, TIMM_EPS),
            VisionHead.MAP),
        new TextConfig(
            64,
            256000,
            new TransformerConfig(768, 12, 12, 3072, Activation.GELU_TANH, 1e-6f),
            TextHead.LAST),
        ModelFamily.SIGLIP2);
  }

  /**
   * Writes {@code open_clip_config.json} and {@code open_clip_model.safetensors} into dir: a CLIP
   * checkpoint for a class-token config, a SigLIP one for a MAP-pooled config.
   *
   * @throws IllegalArgumentException for a SigLIP config the open_clip hub layout cannot express
   *     (family CLIP, a vision LayerNorm epsilon other than timm's 1e-6)
   */
  public static void write(Path dir, ClipConfig config, long seed, DType dtype) throws IOException {
    if (config.vision().head() == VisionHead.MAP) {
      writeSiglipOpenClip(dir, config, seed, dtype);
      return;
    }
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

  private static void writeSiglipOpenClip(Path dir, ClipConfig config, long seed, DType dtype)
      throws IOException {
    if (!config.family().sigmoid() || config.text().head() != TextHead.LAST) {
      throw new IllegalArgumentException(
          "a MAP-pooled synthetic checkpoint must be SigLIP with a last-token text head: "
              + config.summary());
    }
    if (config.vision().transformer().layerNormEps() != TIMM_EPS) {
      throw new IllegalArgumentException(
          "timm's ViT LayerNorm epsilon is 1e-6; got "
              + config.vision().transformer().layerNormEps());
    }
    // Written before the weights, so a config open_clip's layout cannot express fails fast.
    String json = openClipSiglipConfig(config);
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    CheckpointLayout layout = CheckpointLayout.SIGLIP_OPEN_CLIP;
    Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
    VisionConfig v = config.vision();
    TextConfig x = config.text();
    int vw = v.transformer().width();
    int vm = v.transformer().mlpWidth();
    int tw = x.transformer().width();
    int e = config.embedDim();
    int p = v.patchSize();
    put(t, layout.global(Global.PATCH_EMBEDDING), random, 0.02, 0, vw, 3, p, p);
    put(t, layout.global(Global.PATCH_BIAS), random, 0.02, 0, vw);
    put(t, layout.global(Global.VISION_POSITIONS), random, 0.02, 0, 1, v.tokens(), vw);
    blocks(t, layout, Tower.VISION, v.transformer(), random);
    put(t, layout.global(Global.LN_POST_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.LN_POST_B), random, 0.1, 0, vw);
    mapHead(t, layout, random, 0.02, vw, vm);
    put(t, layout.global(Global.TOKEN_EMBEDDING), random, 0.02, 0, x.vocabSize(), tw);
    put(t, layout.global(Global.TEXT_POSITIONS), random, 0.01, 0, x.contextLength(), tw);
    blocks(t, layout, Tower.TEXT, x.transformer(), random);
    put(t, layout.global(Global.LN_FINAL_W), random, 0.1, 1, tw);
    put(t, layout.global(Global.LN_FINAL_B), random, 0.1, 0, tw);
    put(t, layout.global(Global.TEXT_PROJECTION), random, 1 / Math.sqrt(tw), 0, e, tw);
    put(t, layout.global(Global.TEXT_PROJECTION_B), random, 0.02, 0, e);
    // open_clip's SigLIP initial values: scale exp(log 10), bias -10.
    t.put(
        layout.global(Global.LOGIT_SCALE),
        new SafetensorsWriter.Tensor(new long[0], new float[] {(float) Math.log(10)}));
    t.put(
        layout.global(Global.LOGIT_BIAS),
        new SafetensorsWriter.Tensor(new long[0], new float[] {-10f}));
    SafetensorsWriter.write(dir.resolve(layout.weightsFile()), t, dtype);
    Files.writeString(dir.resolve(layout.configFile()), json);
    Files.writeString(dir.resolve("tokenizer.json"), wordTokenizer());
  }

  /**
   * The hub config of a SigLIP model as open_clip's {@code ViT-B-16-SigLIP2.json} has it: the trunk
   * by its timm name, with {@code timm_model_kwargs} only where the geometry is not one of timm's.
   */
  static String openClipSiglipConfig(ClipConfig c) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    ObjectNode m = root.putObject("model_cfg");
    m.put("embed_dim", c.embedDim());
    m.put("init_logit_bias", -10);
    m.put("custom_text", true);
    TransformerConfig tt = c.text().transformer();
    if (tt.activation() == Activation.QUICK_GELU) {
      m.put("quick_gelu", true);
    }
    ObjectNode v = m.putObject("vision_cfg");
    VisionConfig vc = c.vision();
    v.put("image_size", vc.imageSize());
    TimmVit trunk = TimmVit.of(vc);
    java.util.Optional<String> name = TimmVit.nameOf(trunk, vc.imageSize());
    v.put("timm_model_name", name.orElse(TimmVit.BASE_NAME));
    v.put("timm_model_pretrained", false);
    v.put("timm_pool", "map");
    v.put("timm_proj", "none");
    if (name.isEmpty()) {
      ObjectNode k = v.putObject("timm_model_kwargs");
      k.put("img_size", vc.imageSize());
      k.put("patch_size", trunk.patchSize());
      k.put("embed_dim", trunk.width());
      k.put("depth", trunk.depth());
      k.put("num_heads", trunk.heads());
      k.put("mlp_ratio", mlpRatio(vc.transformer()));
      k.put("act_layer", TimmVit.actLayer(trunk.activation()));
    }
    ObjectNode t = m.putObject("text_cfg");
    t.put("context_length", c.text().contextLength());
    t.put("vocab_size", c.text().vocabSize());
    // Not a hub id: no tokenizer is written. The name marks the family as open_clip's configs do.
    t.put("hf_tokenizer_name", "synthetic-" + c.family().label());
    t.putObject("tokenizer_kwargs").put("clean", "canonicalize");
    t.put("width", tt.width());
    t.put("heads", tt.heads());
    t.put("layers", tt.layers());
    t.put("mlp_ratio", mlpRatio(tt));
    t.put("no_causal_mask", true);
    t.put("proj_bias", true);
    t.put("pool_type", "last");
    t.putObject("norm_kwargs").put("eps", (double) tt.layerNormEps());
    if (tt.activation() == Activation.GELU_TANH) {
      t.putObject("act_kwargs").put("approximate", "tanh");
    }
    ObjectNode p = root.putObject("preprocess_cfg");
    p.putArray("mean").add(0.5).add(0.5).add(0.5);
    p.putArray("std").add(0.5).add(0.5).add(0.5);
    p.put("interpolation", "bicubic");
    p.put("resize_mode", "squash");
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  /** The ratio from which the readers' {@code int(width * ratio)} gives back the MLP width. */
  private static double mlpRatio(TransformerConfig t) {
    double ratio = (double) t.mlpWidth() / t.width();
    if ((int) (t.width() * ratio) != t.mlpWidth()) {
      throw new IllegalArgumentException(
          "MLP width "
              + t.mlpWidth()
              + " is not int(width * ratio) for width "
              + t.width()
              + " and any ratio a config can hold");
    }
    return ratio;
  }

  /**
   * Writes a random-weight SigLIP checkpoint ({@code config} with {@link VisionHead#MAP} and {@link
   * TextHead#LAST}) in transformers' {@code SiglipModel} layout: {@code config.json} and {@code
   * model.safetensors}, with a stub word-level {@code tokenizer.json}.
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
    int vm = v.transformer().mlpWidth();
    int tw = x.transformer().width();
    int e = config.embedDim();
    int p = v.patchSize();
    put(t, layout.global(Global.PATCH_EMBEDDING), random, 0.02, 0, vw, 3, p, p);
    put(t, layout.global(Global.PATCH_BIAS), random, 0.02, 0, vw);
    put(t, layout.global(Global.VISION_POSITIONS), random, 0.02, 0, v.tokens(), vw);
    put(t, layout.global(Global.LN_POST_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.LN_POST_B), random, 0.1, 0, vw);
    mapHead(t, layout, random, 0.5, vw, vm);
    put(t, layout.global(Global.TOKEN_EMBEDDING), random, 0.02, 0, x.vocabSize(), tw);
    put(t, layout.global(Global.TEXT_POSITIONS), random, 0.01, 0, x.contextLength(), tw);
    put(t, layout.global(Global.LN_FINAL_W), random, 0.1, 1, tw);
    put(t, layout.global(Global.LN_FINAL_B), random, 0.1, 0, tw);
    put(t, layout.global(Global.TEXT_PROJECTION), random, 1 / Math.sqrt(tw), 0, e, tw);
    put(t, layout.global(Global.TEXT_PROJECTION_B), random, 0.02, 0, e);
    t.put(
        layout.global(Global.LOGIT_SCALE),
        new SafetensorsWriter.Tensor(new long[] {1}, new float[] {(float) Math.log(10)}));
    t.put(
        layout.global(Global.LOGIT_BIAS),
        new SafetensorsWriter.Tensor(new long[] {1}, new float[] {-10f}));
    blocks(t, layout, Tower.VISION, v.transformer(), random);
    blocks(t, layout, Tower.TEXT, x.transformer(), random);
    SafetensorsWriter.write(dir.resolve(layout.weightsFile()), t, dtype);
    Files.writeString(dir.resolve(layout.configFile()), hfSiglipConfig(config));
    Files.writeString(dir.resolve("tokenizer.json"), wordTokenizer());
  }

  private static String hfSiglipConfig(ClipConfig c) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.putArray("architectures").add("SiglipModel");
    root.put("model_type", "siglip");
    ObjectNode t = root.putObject("text_config");
    t.put("vocab_size", c.text().vocabSize());
    t.put("max_position_embeddings", c.text().contextLength());
    hfTower(t, c.text().transformer());
    t.put("projection_size", c.embedDim());
    ObjectNode v = root.putObject("vision_config");
    hfTower(v, c.vision().transformer());
    v.put("num_channels", 3);
    v.put("image_size", c.vision().imageSize());
    v.put("patch_size", c.vision().patchSize());
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static void hfTower(ObjectNode node, TransformerConfig c) {
    node.put("hidden_size", c.width());
    node.put("intermediate_size", c.mlpWidth());
    node.put("num_hidden_layers", c.layers());
    node.put("num_attention_heads", c.heads());
    node.put(
        "hidden_act",
        switch (c.activation()) {
          case QUICK_GELU -> "quick_gelu";
          case GELU -> "gelu";
          case GELU_TANH -> "gelu_pytorch_tanh";
        });
    node.put("layer_norm_eps", c.layerNormEps());
  }

  /**
   * A minimal HF tokenizers file (a whitespace word-level vocabulary of the three special tokens),
   * so that a benchmark checkpoint loads like a real one; every word is unknown, which costs the
   * same as any other id: a SigLIP text tower computes its whole context anyway.
   */
  private static String wordTokenizer() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens");
    root.putNull("normalizer");
    root.putObject("pre_tokenizer").put("type", "Whitespace");
    root.putNull("post_processor");
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    model.putObject("vocab").put("<pad>", 0).put("</s>", 1).put("<unk>", 2);
    model.put("unk_token", "<unk>");
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  /**
   * The MAP head's tensors, in the order both SigLIP writers draw them: the probe, q/k/v (stacked
   * in the HF layout, q then kv in timm's), the output projection, LayerNorm and MLP.
   */
  private static void mapHead(
      Map<String, SafetensorsWriter.Tensor> t,
      CheckpointLayout layout,
      SplittableRandom random,
      double probeStd,
      int vw,
      int vm) {
    put(t, layout.global(Global.MAP_PROBE), random, probeStd, 0, 1, 1, vw);
    if (layout == CheckpointLayout.SIGLIP_OPEN_CLIP) {
      put(t, layout.global(Global.MAP_Q_W), random, 1 / Math.sqrt(vw), 0, vw, vw);
      put(t, layout.global(Global.MAP_Q_B), random, 0.02, 0, vw);
      put(t, layout.global(Global.MAP_KV_W), random, 1 / Math.sqrt(vw), 0, 2L * vw, vw);
      put(t, layout.global(Global.MAP_KV_B), random, 0.02, 0, 2L * vw);
    } else {
      put(t, layout.global(Global.MAP_QKV_W), random, 1 / Math.sqrt(vw), 0, 3L * vw, vw);
      put(t, layout.global(Global.MAP_QKV_B), random, 0.02, 0, 3L * vw);
    }
    put(t, layout.global(Global.MAP_OUT_W), random, 1 / Math.sqrt(vw), 0, vw, vw);
    put(t, layout.global(Global.MAP_OUT_B), random, 0.02, 0, vw);
    put(t, layout.global(Global.MAP_LN_W), random, 0.1, 1, vw);
    put(t, layout.global(Global.MAP_LN_B), random, 0.1, 0, vw);
    put(t, layout.global(Global.MAP_FC1_W), random, 1 / Math.sqrt(vw), 0, vm, vw);
    put(t, layout.global(Global.MAP_FC1_B), random, 0.02, 0, vm);
    put(t, layout.global(Global.MAP_FC2_W), random, 1 / Math.sqrt(vm), 0, vw, vm);
    put(t, layout.global(Global.MAP_FC2_B), random, 0.02, 0, vw);
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
        put(t, layout.block(tower, i, Part.QKV_W), r, 1 / Math.sqrt(w), 0, 3L * w, w);
        put(t, layout.block(tower, i, Part.QKV_B), r, 0.02, 0, 3L * w);
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
