package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.image.PreprocessConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A CLIP or SigLIP checkpoint directory: its layout, geometry, preprocessing, weights and tokenizer
 * files. {@link #open(Path)} validates everything that can be checked without reading the weights.
 *
 * @param dir the model directory
 * @param layout Hugging Face transformers or open_clip
 * @param config the model geometry
 * @param preprocess image preprocessing parameters
 * @param weights a {@code .safetensors} file or a {@code model.safetensors.index.json}
 * @param tokenizer the model's {@code tokenizer.json}, or empty to use CLIP's bundled tokenizer
 */
public record ClipCheckpoint(
    Path dir,
    CheckpointLayout layout,
    ClipConfig config,
    PreprocessConfig preprocess,
    Path weights,
    Optional<Path> tokenizer) {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SHARD_INDEX = "model.safetensors.index.json";

  /** Detects the layout of {@code dir} and reads its configs. */
  public static ClipCheckpoint open(Path dir) throws CheckpointException {
    if (!Files.isDirectory(dir)) {
      throw new NotACheckpointException("model directory " + dir + " does not exist");
    }
    Path hfConfig = dir.resolve(CheckpointLayout.HF_TRANSFORMERS.configFile());
    Path ocConfig = dir.resolve(CheckpointLayout.OPEN_CLIP.configFile());
    if (Files.isRegularFile(ocConfig)) {
      return openClip(dir, readJson(ocConfig));
    }
    if (Files.isRegularFile(hfConfig)) {
      return openHf(dir, readJson(hfConfig));
    }
    throw new NotACheckpointException(
        "model directory "
            + dir
            + " has neither config.json (Hugging Face transformers layout) nor"
            + " open_clip_config.json (open_clip layout); is it a CLIP checkpoint?");
  }

  /** Opens the weights for reading. The caller closes the store. */
  public WeightStore openWeights() throws CheckpointException {
    return weights.getFileName().toString().equals(SHARD_INDEX)
        ? WeightStore.openIndex(weights)
        : WeightStore.open(weights);
  }

  private static ClipCheckpoint openHf(Path dir, JsonNode cfg) throws CheckpointException {
    String type = cfg.path("model_type").asText("");
    if (type.equals("siglip")) {
      return SiglipCheckpoints.openHf(dir, cfg);
    }
    if (!type.equals("clip")) {
      throw new UnsupportedModelException(
          "model_type '"
              + type
              + "' in "
              + dir.resolve("config.json")
              + " is not supported: Glimpse runs CLIP ViT models (model_type 'clip') and"
              + " SigLIP / fixed-resolution SigLIP 2 (model_type 'siglip'); NaFlex SigLIP 2"
              + " ('siglip2'), ChineseCLIP, AltCLIP and other families are not supported");
    }
    JsonNode t = cfg.path("text_config");
    JsonNode v = cfg.path("vision_config");
    // Defaults are those of transformers' CLIPTextConfig / CLIPVisionConfig, which old hub
    // configs rely on by leaving keys out.
    TransformerConfig text =
        transformer(
            "text_config",
            t.path("hidden_size").asInt(512),
            t.path("num_hidden_layers").asInt(12),
            t.path("num_attention_heads").asInt(8),
            t.path("intermediate_size").asInt(2048),
            Activation.fromHf(t.path("hidden_act").asText("quick_gelu")),
            (float) t.path("layer_norm_eps").asDouble(1e-5));
    TransformerConfig vision =
        transformer(
            "vision_config",
            v.path("hidden_size").asInt(768),
            v.path("num_hidden_layers").asInt(12),
            v.path("num_attention_heads").asInt(12),
            v.path("intermediate_size").asInt(3072),
            Activation.fromHf(v.path("hidden_act").asText("quick_gelu")),
            (float) v.path("layer_norm_eps").asDouble(1e-5));
    int channels = v.path("num_channels").asInt(3);
    if (channels != 3) {
      throw new UnsupportedModelException(
          "vision_config.num_channels " + channels + " is not supported; CLIP takes RGB (3)");
    }
    ClipConfig config =
        build(
            dir,
            cfg.path("projection_dim").asInt(512),
            v.path("image_size").asInt(224),
            v.path("patch_size").asInt(32),
            vision,
            t.path("max_position_embeddings").asInt(77),
            t.path("vocab_size").asInt(49408),
            text);
    PreprocessConfig preprocess =
        hfPreprocess(dir.resolve("preprocessor_config.json"), config.vision().imageSize());
    Path weights = findHfWeights(dir);
    Path tok = dir.resolve("tokenizer.json");
    return new ClipCheckpoint(
        dir,
        CheckpointLayout.HF_TRANSFORMERS,
        config,
        preprocess,
        weights,
        Files.isRegularFile(tok) ? Optional.of(tok) : Optional.empty());
  }

  private static ClipCheckpoint openClip(Path dir, JsonNode root) throws CheckpointException {
    JsonNode m = root.path("model_cfg");
    JsonNode v = m.path("vision_cfg");
    JsonNode t = m.path("text_cfg");
    if (m.isMissingNode() || v.isMissingNode() || t.isMissingNode()) {
      throw new CheckpointException(
          dir.resolve("open_clip_config.json")
              + " has no model_cfg with vision_cfg and text_cfg; is it an open_clip hub config?");
    }
    if (m.has("init_logit_bias") || v.hasNonNull("timm_model_name")) {
      return SiglipCheckpoints.openClip(dir, root);
    }
    if (v.path("layers").isArray()) {
      throw new UnsupportedModelException(
          "this open_clip model has a ResNet image tower (vision_cfg.layers is a list); Glimpse"
              + " runs ViT CLIP models only. Use a ViT checkpoint such as ViT-B-32");
    }
    if (v.hasNonNull("timm_model_name") || t.hasNonNull("hf_model_name")) {
      throw new UnsupportedModelException(
          "this open_clip model uses a timm or Hugging Face backbone (timm_model_name /"
              + " hf_model_name); Glimpse runs the standard CLIP ViT and text transformer only");
    }
    for (String unsupported :
        new String[] {"attentional_pool", "no_ln_pre", "final_ln_after_pool", "input_patchnorm"}) {
      if (v.path(unsupported).asBoolean(false)) {
        throw new UnsupportedModelException(
            "open_clip vision option " + unsupported + " is not supported by Glimpse");
      }
    }
    String pool = v.path("pool_type").asText("tok");
    String textPool = t.path("pool_type").asText("argmax");
    if (!pool.equals("tok") || !textPool.equals("argmax")) {
      throw new UnsupportedModelException(
          "open_clip pooling vision '"
              + pool
              + "' / text '"
              + textPool
              + "' is not supported; Glimpse implements CLIP's class-token and end-of-text pooling");
    }
    Activation act =
        m.path("quick_gelu").asBoolean(false) ? Activation.QUICK_GELU : Activation.GELU;
    int vWidth = v.path("width").asInt(768);
    double vHeadWidth = v.path("head_width").asDouble(64);
    int vHeads = (int) Math.round(vWidth / vHeadWidth);
    TransformerConfig vision =
        transformer(
            "vision_cfg",
            vWidth,
            v.path("layers").asInt(12),
            vHeads,
            (int) Math.round(vWidth * v.path("mlp_ratio").asDouble(4.0)),
            act,
            1e-5f);
    int tWidth = t.path("width").asInt(512);
    TransformerConfig text =
        transformer(
            "text_cfg",
            tWidth,
            t.path("layers").asInt(12),
            t.path("heads").asInt(8),
            (int) Math.round(tWidth * t.path("mlp_ratio").asDouble(4.0)),
            act,
            1e-5f);
    int imageSize = imageSize(v.path("image_size"), dir);
    ClipConfig config =
        build(
            dir,
            m.path("embed_dim").asInt(512),
            imageSize,
            v.path("patch_size").asInt(16),
            vision,
            t.path("context_length").asInt(77),
            t.path("vocab_size").asInt(49408),
            text);
    JsonNode p = root.path("preprocess_cfg");
    PreprocessConfig clipDefault = PreprocessConfig.clip(imageSize);
    String mode = p.path("resize_mode").asText("shortest");
    if (!mode.equals("shortest")) {
      throw new UnsupportedModelException(
          "open_clip resize_mode '" + mode + "' is not supported; Glimpse implements 'shortest'");
    }
    PreprocessConfig preprocess =
        new PreprocessConfig(
            imageSize,
            imageSize,
            floats(p.path("mean"), clipDefault.mean()),
            floats(p.path("std"), clipDefault.std()));
    Path weights = dir.resolve(CheckpointLayout.OPEN_CLIP.weightsFile());
    if (!Files.isRegularFile(weights)) {
      throw missingSafetensors(dir, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
    }
    return new ClipCheckpoint(
        dir, CheckpointLayout.OPEN_CLIP, config, preprocess, weights, Optional.empty());
  }

  static int imageSize(JsonNode node, Path dir) throws CheckpointException {
    if (node.isArray()) {
      if (node.size() != 2 || node.get(0).asInt() != node.get(1).asInt()) {
        throw new UnsupportedModelException(
            "non-square image_size " + node + " in " + dir + " is not supported");
      }
      return node.get(0).asInt();
    }
    return node.asInt(224);
  }

  static ClipConfig build(
      Path dir,
      int embed,
      int imageSize,
      int patch,
      TransformerConfig vision,
      int context,
      int vocab,
      TransformerConfig text)
      throws CheckpointException {
    try {
      return new ClipConfig(
          embed, new VisionConfig(imageSize, patch, vision), new TextConfig(context, vocab, text));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid model config in " + dir + ": " + e.getMessage(), e);
    }
  }

  static TransformerConfig transformer(
      String where, int width, int layers, int heads, int mlp, Activation act, float eps)
      throws CheckpointException {
    try {
      return new TransformerConfig(width, layers, heads, mlp, act, eps);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid " + where + ": " + e.getMessage(), e);
    }
  }

  static Path findHfWeights(Path dir) throws CheckpointException {
    Path single = dir.resolve(CheckpointLayout.HF_TRANSFORMERS.weightsFile());
    if (Files.isRegularFile(single)) {
      return single;
    }
    Path index = dir.resolve(SHARD_INDEX);
    if (Files.isRegularFile(index)) {
      return index;
    }
    throw missingSafetensors(dir, "model.safetensors", "pytorch_model.bin");
  }

  static CheckpointException missingSafetensors(Path dir, String wanted, String pickle) {
    if (Files.isRegularFile(dir.resolve(pickle))) {
      return new UnsupportedModelException(
          "model directory "
              + dir
              + " has only "
              + pickle
              + " (a pickle); Glimpse reads safetensors weights only, because pickles can run"
              + " code. Convert it (e.g. in Python: safetensors.torch.save_file(state_dict, '"
              + wanted
              + "')) or download the model's safetensors revision");
    }
    return new CheckpointException(
        "model directory " + dir + " has no " + wanted + " (or " + SHARD_INDEX + "); download it");
  }

  private static PreprocessConfig hfPreprocess(Path file, int imageSize)
      throws CheckpointException {
    PreprocessConfig def = PreprocessConfig.clip(imageSize);
    if (!Files.isRegularFile(file)) {
      return def;
    }
    JsonNode p = readJson(file);
    int resample = p.path("resample").asInt(3);
    if (resample != 3) {
      throw new UnsupportedModelException(
          file + " asks for resample " + resample + "; Glimpse implements bicubic (3) only");
    }
    JsonNode size = p.path("size");
    int shortest =
        size.isObject() ? size.path("shortest_edge").asInt(imageSize) : size.asInt(imageSize);
    JsonNode crop = p.path("crop_size");
    int cropSize;
    if (crop.isObject()) {
      int h = crop.path("height").asInt(imageSize);
      int w = crop.path("width").asInt(imageSize);
      if (h != w) {
        throw new UnsupportedModelException(file + " has a non-square crop " + w + "x" + h);
      }
      cropSize = h;
    } else {
      cropSize = crop.asInt(imageSize);
    }
    if (cropSize != imageSize) {
      throw new CheckpointException(
          file + " crops to " + cropSize + " px but the vision tower takes " + imageSize + " px");
    }
    try {
      return new PreprocessConfig(
          shortest,
          cropSize,
          floats(p.path("image_mean"), def.mean()),
          floats(p.path("image_std"), def.std()));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid " + file + ": " + e.getMessage(), e);
    }
  }

  static float[] floats(JsonNode node, float[] fallback) {
    if (!node.isArray()) {
      return fallback;
    }
    float[] out = new float[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) node.get(i).asDouble();
    }
    return out;
  }

  static JsonNode readJson(Path file) throws CheckpointException {
    try {
      JsonNode node = JSON.readTree(Files.readString(file));
      if (node == null || !node.isObject()) {
        throw new CheckpointException(file + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
