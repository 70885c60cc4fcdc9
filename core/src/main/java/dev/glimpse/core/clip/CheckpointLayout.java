package dev.glimpse.core.clip;

/**
 * The on-disk layouts people have CLIP and SigLIP checkpoints in, with their tensor naming. Each
 * layout maps the canonical parts of a model to its own tensor names.
 */
public enum CheckpointLayout {
  /** Hugging Face transformers: {@code config.json} + {@code model.safetensors}. */
  HF_TRANSFORMERS("config.json", "model.safetensors") {
    @Override
    String block(Tower tower, int layer, Part part) {
      String p =
          (tower == Tower.TEXT ? "text_model" : "vision_model") + ".encoder.layers." + layer + ".";
      return p
          + switch (part) {
            case LN1_W -> "layer_norm1.weight";
            case LN1_B -> "layer_norm1.bias";
            case LN2_W -> "layer_norm2.weight";
            case LN2_B -> "layer_norm2.bias";
            case OUT_W -> "self_attn.out_proj.weight";
            case OUT_B -> "self_attn.out_proj.bias";
            case FC1_W -> "mlp.fc1.weight";
            case FC1_B -> "mlp.fc1.bias";
            case FC2_W -> "mlp.fc2.weight";
            case FC2_B -> "mlp.fc2.bias";
            case Q_W -> "self_attn.q_proj.weight";
            case Q_B -> "self_attn.q_proj.bias";
            case K_W -> "self_attn.k_proj.weight";
            case K_B -> "self_attn.k_proj.bias";
            case V_W -> "self_attn.v_proj.weight";
            case V_B -> "self_attn.v_proj.bias";
            case QKV_W, QKV_B -> throw new IllegalArgumentException("no fused qkv in HF layout");
          };
    }

    @Override
    String global(Global g) {
      return switch (g) {
        case TOKEN_EMBEDDING -> "text_model.embeddings.token_embedding.weight";
        case TEXT_POSITIONS -> "text_model.embeddings.position_embedding.weight";
        case LN_FINAL_W -> "text_model.final_layer_norm.weight";
        case LN_FINAL_B -> "text_model.final_layer_norm.bias";
        case TEXT_PROJECTION -> "text_projection.weight";
        case PATCH_EMBEDDING -> "vision_model.embeddings.patch_embedding.weight";
        case CLASS_EMBEDDING -> "vision_model.embeddings.class_embedding";
        case VISION_POSITIONS -> "vision_model.embeddings.position_embedding.weight";
        case LN_PRE_W -> "vision_model.pre_layrnorm.weight";
        case LN_PRE_B -> "vision_model.pre_layrnorm.bias";
        case LN_POST_W -> "vision_model.post_layernorm.weight";
        case LN_POST_B -> "vision_model.post_layernorm.bias";
        case VISION_PROJECTION -> "visual_projection.weight";
        case LOGIT_SCALE -> "logit_scale";
        default -> throw new IllegalArgumentException(g + " is not part of a CLIP checkpoint");
      };
    }

    @Override
    boolean fusedQkv() {
      return false;
    }

    @Override
    boolean projectionIsLinearWeight() {
      return true;
    }
  },

  /** open_clip hub files with OpenAI's state-dict names. */
  OPEN_CLIP("open_clip_config.json", "open_clip_model.safetensors") {
    @Override
    String block(Tower tower, int layer, Part part) {
      String p = (tower == Tower.TEXT ? "" : "visual.") + "transformer.resblocks." + layer + ".";
      return p
          + switch (part) {
            case LN1_W -> "ln_1.weight";
            case LN1_B -> "ln_1.bias";
            case LN2_W -> "ln_2.weight";
            case LN2_B -> "ln_2.bias";
            case QKV_W -> "attn.in_proj_weight";
            case QKV_B -> "attn.in_proj_bias";
            case OUT_W -> "attn.out_proj.weight";
            case OUT_B -> "attn.out_proj.bias";
            case FC1_W -> "mlp.c_fc.weight";
            case FC1_B -> "mlp.c_fc.bias";
            case FC2_W -> "mlp.c_proj.weight";
            case FC2_B -> "mlp.c_proj.bias";
            case Q_W, Q_B, K_W, K_B, V_W, V_B ->
                throw new IllegalArgumentException("fused qkv in OpenAI layout");
          };
    }

    @Override
    String global(Global g) {
      return switch (g) {
        case TOKEN_EMBEDDING -> "token_embedding.weight";
        case TEXT_POSITIONS -> "positional_embedding";
        case LN_FINAL_W -> "ln_final.weight";
        case LN_FINAL_B -> "ln_final.bias";
        case TEXT_PROJECTION -> "text_projection";
        case PATCH_EMBEDDING -> "visual.conv1.weight";
        case CLASS_EMBEDDING -> "visual.class_embedding";
        case VISION_POSITIONS -> "visual.positional_embedding";
        case LN_PRE_W -> "visual.ln_pre.weight";
        case LN_PRE_B -> "visual.ln_pre.bias";
        case LN_POST_W -> "visual.ln_post.weight";
        case LN_POST_B -> "visual.ln_post.bias";
        case VISION_PROJECTION -> "visual.proj";
        case LOGIT_SCALE -> "logit_scale";
        default -> throw new IllegalArgumentException(g + " is not part of a CLIP checkpoint");
      };
    }

    @Override
    boolean fusedQkv() {
      return true;
    }

    @Override
    boolean projectionIsLinearWeight() {
      return false;
    }
  },

  /** Hugging Face transformers {@code SiglipModel} (SigLIP, fixed-resolution SigLIP 2). */
  SIGLIP_HF("config.json", "model.safetensors") {
    @Override
    String block(Tower tower, int layer, Part part) {
      return HF_TRANSFORMERS.block(tower, layer, part);
    }

    @Override
    String global(Global g) {
      return switch (g) {
        case TOKEN_EMBEDDING -> "text_model.embeddings.token_embedding.weight";
        case TEXT_POSITIONS -> "text_model.embeddings.position_embedding.weight";
        case LN_FINAL_W -> "text_model.final_layer_norm.weight";
        case LN_FINAL_B -> "text_model.final_layer_norm.bias";
        case TEXT_PROJECTION -> "text_model.head.weight";
        case TEXT_PROJECTION_B -> "text_model.head.bias";
        case PATCH_EMBEDDING -> "vision_model.embeddings.patch_embedding.weight";
        case PATCH_BIAS -> "vision_model.embeddings.patch_embedding.bias";
        case VISION_POSITIONS -> "vision_model.embeddings.position_embedding.weight";
        case LN_POST_W -> "vision_model.post_layernorm.weight";
        case LN_POST_B -> "vision_model.post_layernorm.bias";
        case MAP_PROBE -> "vision_model.head.probe";
        case MAP_QKV_W -> "vision_model.head.attention.in_proj_weight";
        case MAP_QKV_B -> "vision_model.head.attention.in_proj_bias";
        case MAP_OUT_W -> "vision_model.head.attention.out_proj.weight";
        case MAP_OUT_B -> "vision_model.head.attention.out_proj.bias";
        case MAP_LN_W -> "vision_model.head.layernorm.weight";
        case MAP_LN_B -> "vision_model.head.layernorm.bias";
        case MAP_FC1_W -> "vision_model.head.mlp.fc1.weight";
        case MAP_FC1_B -> "vision_model.head.mlp.fc1.bias";
        case MAP_FC2_W -> "vision_model.head.mlp.fc2.weight";
        case MAP_FC2_B -> "vision_model.head.mlp.fc2.bias";
        case LOGIT_SCALE -> "logit_scale";
        case LOGIT_BIAS -> "logit_bias";
        default -> throw new IllegalArgumentException(g + " is not part of a SigLIP checkpoint");
      };
    }

    @Override
    boolean fusedQkv() {
      return false;
    }

    @Override
    boolean projectionIsLinearWeight() {
      return true;
    }
  },

  /**
   * open_clip hub files of a SigLIP model ({@code timm/ViT-B-16-SigLIP2}): a timm ViT trunk with
   * the MAP head and open_clip's text transformer.
   */
  SIGLIP_OPEN_CLIP("open_clip_config.json", "open_clip_model.safetensors") {
    @Override
    String block(Tower tower, int layer, Part part) {
      if (tower == Tower.TEXT) {
        return "text." + OPEN_CLIP.block(tower, layer, part);
      }
      String p = "visual.trunk.blocks." + layer + ".";
      return p
          + switch (part) {
            case LN1_W -> "norm1.weight";
            case LN1_B -> "norm1.bias";
            case LN2_W -> "norm2.weight";
            case LN2_B -> "norm2.bias";
            case QKV_W -> "attn.qkv.weight";
            case QKV_B -> "attn.qkv.bias";
            case OUT_W -> "attn.proj.weight";
            case OUT_B -> "attn.proj.bias";
            case FC1_W -> "mlp.fc1.weight";
            case FC1_B -> "mlp.fc1.bias";
            case FC2_W -> "mlp.fc2.weight";
            case FC2_B -> "mlp.fc2.bias";
            case Q_W, Q_B, K_W, K_B, V_W, V_B ->
                throw new IllegalArgumentException("fused qkv in timm layout");
          };
    }

    @Override
    String global(Global g) {
      return switch (g) {
        case TOKEN_EMBEDDING -> "text.token_embedding.weight";
        case TEXT_POSITIONS -> "text.positional_embedding";
        case LN_FINAL_W -> "text.ln_final.weight";
        case LN_FINAL_B -> "text.ln_final.bias";
        case TEXT_PROJECTION -> "text.text_projection.weight";
        case TEXT_PROJECTION_B -> "text.text_projection.bias";
        case PATCH_EMBEDDING -> "visual.trunk.patch_embed.proj.weight";
        case PATCH_BIAS -> "visual.trunk.patch_embed.proj.bias";
        case VISION_POSITIONS -> "visual.trunk.pos_embed";
        case LN_POST_W -> "visual.trunk.norm.weight";
        case LN_POST_B -> "visual.trunk.norm.bias";
        case MAP_PROBE -> "visual.trunk.attn_pool.latent";
        case MAP_Q_W -> "visual.trunk.attn_pool.q.weight";
        case MAP_Q_B -> "visual.trunk.attn_pool.q.bias";
        case MAP_KV_W -> "visual.trunk.attn_pool.kv.weight";
        case MAP_KV_B -> "visual.trunk.attn_pool.kv.bias";
        case MAP_OUT_W -> "visual.trunk.attn_pool.proj.weight";
        case MAP_OUT_B -> "visual.trunk.attn_pool.proj.bias";
        case MAP_LN_W -> "visual.trunk.attn_pool.norm.weight";
        case MAP_LN_B -> "visual.trunk.attn_pool.norm.bias";
        case MAP_FC1_W -> "visual.trunk.attn_pool.mlp.fc1.weight";
        case MAP_FC1_B -> "visual.trunk.attn_pool.mlp.fc1.bias";
        case MAP_FC2_W -> "visual.trunk.attn_pool.mlp.fc2.weight";
        case MAP_FC2_B -> "visual.trunk.attn_pool.mlp.fc2.bias";
        case LOGIT_SCALE -> "logit_scale";
        case LOGIT_BIAS -> "logit_bias";
        default -> throw new IllegalArgumentException(g + " is not part of a SigLIP checkpoint");
      };
    }

    @Override
    boolean fusedQkv() {
      return true;
    }

    @Override
    boolean projectionIsLinearWeight() {
      return true;
    }
  };

  /** Which tower a block belongs to. */
  enum Tower {
    TEXT,
    VISION
  }

  /** The tensors of one residual block. */
  enum Part {
    LN1_W,
    LN1_B,
    QKV_W,
    QKV_B,
    Q_W,
    Q_B,
    K_W,
    K_B,
    V_W,
    V_B,
    OUT_W,
    OUT_B,
    LN2_W,
    LN2_B,
    FC1_W,
    FC1_B,
    FC2_W,
    FC2_B
  }

  /** Tensors outside the residual blocks. */
  enum Global {
    TOKEN_EMBEDDING,
    TEXT_POSITIONS,
    LN_FINAL_W,
    LN_FINAL_B,
    TEXT_PROJECTION,
    PATCH_EMBEDDING,
    CLASS_EMBEDDING,
    VISION_POSITIONS,
    LN_PRE_W,
    LN_PRE_B,
    LN_POST_W,
    LN_POST_B,
    VISION_PROJECTION,
    LOGIT_SCALE,
    /** SigLIP: the patch convolution's bias. */
    PATCH_BIAS,
    /** SigLIP: the text projection's bias. */
    TEXT_PROJECTION_B,
    /** SigLIP: the bias added to the scaled cosine before the sigmoid. */
    LOGIT_BIAS,
    /** MAP head: the learned probe (query) token. */
    MAP_PROBE,
    /** MAP head, HF layout: q, k, v stacked. */
    MAP_QKV_W,
    MAP_QKV_B,
    /** MAP head, timm layout: q alone, k and v stacked. */
    MAP_Q_W,
    MAP_Q_B,
    MAP_KV_W,
    MAP_KV_B,
    MAP_OUT_W,
    MAP_OUT_B,
    MAP_LN_W,
    MAP_LN_B,
    MAP_FC1_W,
    MAP_FC1_B,
    MAP_FC2_W,
    MAP_FC2_B
  }

  private final String configFile;
  private final String weightsFile;

  CheckpointLayout(String configFile, String weightsFile) {
    this.configFile = configFile;
    this.weightsFile = weightsFile;
  }

  /** The config file that identifies this layout. */
  public String configFile() {
    return configFile;
  }

  /** The single-file weights name of this layout. */
  public String weightsFile() {
    return weightsFile;
  }

  abstract String block(Tower tower, int layer, Part part);

  abstract String global(Global g);

  /** Whether q, k and v projections are stored as one stacked tensor. */
  abstract boolean fusedQkv();

  /**
   * Whether the output projections are stored as {@code [embed, width]} linear weights (HF) rather
   * than {@code [width, embed]} matrices used as {@code x @ W} (OpenAI).
   */
  abstract boolean projectionIsLinearWeight();
}
