package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.core.image.PreprocessConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the configs of SigLIP and fixed-resolution SigLIP 2 checkpoints in open_clip's hub layout
 * ({@code timm/ViT-B-16-SigLIP2}) and in transformers' {@code SiglipModel} layout ({@code
 * google/siglip2-base-patch16-224}).
 */
final class SiglipCheckpoints {
  private static final float[] HALF = {0.5f, 0.5f, 0.5f};

  private SiglipCheckpoints() {}

  /** An open_clip hub config whose vision tower is a timm SigLIP trunk with the MAP head. */
  static ClipCheckpoint openClip(Path dir, JsonNode root) throws CheckpointException {
    Path file = dir.resolve(CheckpointLayout.SIGLIP_OPEN_CLIP.configFile());
    JsonNode m = root.path("model_cfg");
    JsonNode v = m.path("vision_cfg");
    JsonNode t = m.path("text_cfg");
    String timm = v.path("timm_model_name").asText("");
    if (timm.isEmpty()) {
      throw new UnsupportedModelException(
          file + ": a SigLIP model without vision_cfg.timm_model_name is not supported");
    }
    require(v.path("timm_pool").asText("").equals("map"), file, "vision_cfg.timm_pool 'map'");
    require(
        v.path("timm_proj").asText("linear").equals("none"), file, "vision_cfg.timm_proj 'none'");
    if (t.hasNonNull("hf_model_name")) {
      throw new UnsupportedModelException(
          file + ": a Hugging Face text backbone (text_cfg.hf_model_name) is not supported");
    }
    require(t.path("no_causal_mask").asBoolean(false), file, "text_cfg.no_causal_mask true");
    require(t.path("pool_type").asText("").equals("last"), file, "text_cfg.pool_type 'last'");
    require(t.path("proj_bias").asBoolean(false), file, "text_cfg.proj_bias true");
    JsonNode kwargs = v.path("timm_model_kwargs");
    TimmVit trunk = TimmVit.resolve(timm, kwargs);
    int imageSize =
        kwargs.has("img_size")
            ? ClipCheckpoint.imageSize(kwargs.get("img_size"), dir)
            : ClipCheckpoint.imageSize(v.path("image_size"), dir);
    // timm's ViT uses LayerNorm(eps=1e-6); open_clip's text tower uses its norm_kwargs.
    TransformerConfig vision =
        ClipCheckpoint.transformer(
            "vision_cfg (timm " + timm + ")",
            trunk.width(),
            trunk.depth(),
            trunk.heads(),
            trunk.mlpWidth(),
            trunk.activation(),
            1e-6f);
    int tWidth = t.path("width").asInt(512);
    Activation textAct =
        m.path("quick_gelu").asBoolean(false)
            ? Activation.QUICK_GELU
            : t.path("act_kwargs").path("approximate").asText("none").equals("tanh")
                ? Activation.GELU_TANH
                : Activation.GELU;
    TransformerConfig text =
        ClipCheckpoint.transformer(
            "text_cfg",
            tWidth,
            t.path("layers").asInt(12),
            t.path("heads").asInt(8),
            (int) (tWidth * t.path("mlp_ratio").asDouble(4.0)),
            textAct,
            (float) t.path("norm_kwargs").path("eps").asDouble(1e-5));
    ModelFamily family =
        t.path("hf_tokenizer_name").asText("").toLowerCase(Locale.ROOT).contains("siglip2")
                || gemmaTokenizer(dir)
            ? ModelFamily.SIGLIP2
            : ModelFamily.SIGLIP;
    ClipConfig config =
        config(
            dir,
            m.path("embed_dim").asInt(trunk.width()),
            imageSize,
            trunk.patchSize(),
            vision,
            t.path("context_length").asInt(64),
            t.path("vocab_size").asInt(32000),
            text,
            family);
    PreprocessConfig preprocess = openClipPreprocess(file, root.path("preprocess_cfg"), imageSize);
    Path weights = dir.resolve(CheckpointLayout.SIGLIP_OPEN_CLIP.weightsFile());
    if (!Files.isRegularFile(weights)) {
      throw ClipCheckpoint.missingSafetensors(
          dir, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
    }
    return new ClipCheckpoint(
        dir, CheckpointLayout.SIGLIP_OPEN_CLIP, config, preprocess, weights, tokenizerJson(dir));
  }

  /** A transformers {@code config.json} with {@code model_type "siglip"}. */
  static ClipCheckpoint openHf(Path dir, JsonNode cfg) throws CheckpointException {
    Path file = dir.resolve(CheckpointLayout.SIGLIP_HF.configFile());
    JsonNode t = cfg.path("text_config");
    JsonNode v = cfg.path("vision_config");
    // Defaults are those of transformers' SiglipTextConfig / SiglipVisionConfig.
    require(v.path("vision_use_head").asBoolean(true), file, "vision_config.vision_use_head true");
    int channels = v.path("num_channels").asInt(3);
    if (channels != 3) {
      throw new UnsupportedModelException(
          "vision_config.num_channels " + channels + " is not supported; SigLIP takes RGB (3)");
    }
    TransformerConfig text =
        ClipCheckpoint.transformer(
            "text_config",
            t.path("hidden_size").asInt(768),
            t.path("num_hidden_layers").asInt(12),
            t.path("num_attention_heads").asInt(12),
            t.path("intermediate_size").asInt(3072),
            Activation.fromHf(t.path("hidden_act").asText("gelu_pytorch_tanh")),
            (float) t.path("layer_norm_eps").asDouble(1e-6));
    TransformerConfig vision =
        ClipCheckpoint.transformer(
            "vision_config",
            v.path("hidden_size").asInt(768),
            v.path("num_hidden_layers").asInt(12),
            v.path("num_attention_heads").asInt(12),
            v.path("intermediate_size").asInt(3072),
            Activation.fromHf(v.path("hidden_act").asText("gelu_pytorch_tanh")),
            (float) v.path("layer_norm_eps").asDouble(1e-6));
    int embed = t.path("projection_size").asInt(text.width());
    if (embed != vision.width()) {
      throw new CheckpointException(
          file
              + ": text_config.projection_size "
              + embed
              + " differs from vision_config.hidden_size "
              + vision.width()
              + "; the two embeddings cannot be compared");
    }
    ModelFamily family = gemmaTokenizer(dir) ? ModelFamily.SIGLIP2 : ModelFamily.SIGLIP;
    int imageSize = v.path("image_size").asInt(224);
    ClipConfig config =
        config(
            dir,
            embed,
            imageSize,
            v.path("patch_size").asInt(16),
            vision,
            t.path("max_position_embeddings").asInt(64),
            t.path("vocab_size").asInt(32000),
            text,
            family);
    PreprocessConfig preprocess = hfPreprocess(dir.resolve("preprocessor_config.json"), imageSize);
    return new ClipCheckpoint(
        dir,
        CheckpointLayout.SIGLIP_HF,
        config,
        preprocess,
        ClipCheckpoint.findHfWeights(dir),
        tokenizerJson(dir));
  }

  private static ClipConfig config(
      Path dir,
      int embed,
      int imageSize,
      int patch,
      TransformerConfig vision,
      int context,
      int vocab,
      TransformerConfig text,
      ModelFamily family)
      throws CheckpointException {
    try {
      return new ClipConfig(
          embed,
          new VisionConfig(imageSize, patch, vision, VisionHead.MAP),
          new TextConfig(context, vocab, text, TextHead.LAST),
          family);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid model config in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * open_clip's {@code preprocess_cfg}; where a key is missing, SigLIP's pretrained defaults
   * (open_clip {@code pretrained.py} {@code _slpcfg}: mean and std 0.5, bicubic, squash).
   */
  private static PreprocessConfig openClipPreprocess(Path file, JsonNode p, int imageSize)
      throws CheckpointException {
    String mode = p.path("resize_mode").asText("squash");
    if (!mode.equals("squash")) {
      throw new UnsupportedModelException(
          file
              + ": resize_mode '"
              + mode
              + "' is not supported for SigLIP; Glimpse implements"
              + " 'squash'");
    }
    String interpolation = p.path("interpolation").asText("bicubic");
    if (!interpolation.equals("bicubic")) {
      throw new UnsupportedModelException(
          file
              + ": interpolation '"
              + interpolation
              + "' is not supported; Glimpse implements"
              + " bicubic");
    }
    return squash(
        file,
        imageSize,
        ClipCheckpoint.floats(p.path("mean"), HALF),
        ClipCheckpoint.floats(p.path("std"), HALF));
  }

  /** transformers' {@code SiglipImageProcessor}: a resize to {@code size} (no crop), bicubic. */
  private static PreprocessConfig hfPreprocess(Path file, int imageSize)
      throws CheckpointException {
    if (!Files.isRegularFile(file)) {
      return squash(file, imageSize, HALF, HALF);
    }
    JsonNode p = ClipCheckpoint.readJson(file);
    int resample = p.path("resample").asInt(3);
    if (resample != 3) {
      throw new UnsupportedModelException(
          file + " asks for resample " + resample + "; Glimpse implements bicubic (3) only");
    }
    JsonNode size = p.path("size");
    int h = size.path("height").asInt(imageSize);
    int w = size.path("width").asInt(imageSize);
    if (h != imageSize || w != imageSize) {
      throw new CheckpointException(
          file + " resizes to " + w + "x" + h + " but the vision tower takes " + imageSize + " px");
    }
    if (!p.path("do_resize").asBoolean(true)
        || !p.path("do_rescale").asBoolean(true)
        || Math.abs(p.path("rescale_factor").asDouble(1 / 255.0) - 1 / 255.0) > 1e-12) {
      throw new UnsupportedModelException(
          file + ": only do_resize, do_rescale with factor 1/255 are supported");
    }
    boolean normalize = p.path("do_normalize").asBoolean(true);
    return squash(
        file,
        imageSize,
        normalize ? ClipCheckpoint.floats(p.path("image_mean"), HALF) : new float[] {0, 0, 0},
        normalize ? ClipCheckpoint.floats(p.path("image_std"), HALF) : new float[] {1, 1, 1});
  }

  private static PreprocessConfig squash(Path file, int size, float[] mean, float[] std)
      throws CheckpointException {
    try {
      return PreprocessConfig.squash(size, mean, std);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("invalid preprocessing in " + file + ": " + e.getMessage(), e);
    }
  }

  private static void require(boolean ok, Path file, String what) throws UnsupportedModelException {
    if (!ok) {
      throw new UnsupportedModelException(
          file + ": Glimpse implements SigLIP with " + what + "; this model differs");
    }
  }

  /** Whether the folder's tokenizer is Gemma's, which marks SigLIP 2. */
  private static boolean gemmaTokenizer(Path dir) throws CheckpointException {
    Path cfg = dir.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(cfg)) {
      return false;
    }
    return ClipCheckpoint.readJson(cfg)
        .path("tokenizer_class")
        .asText("")
        .toLowerCase(Locale.ROOT)
        .contains("gemma");
  }

  private static Optional<Path> tokenizerJson(Path dir) {
    Path tok = dir.resolve("tokenizer.json");
    return Files.isRegularFile(tok) ? Optional.of(tok) : Optional.empty();
  }
}
