package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The geometry of timm's SigLIP ViT trunks by model name. Real open_clip hub configs carry only
 * {@code vision_cfg.timm_model_name}; the geometry lives in timm's model registry ({@code
 * timm/models/vision_transformer.py}, the {@code vit_*_siglip_*} functions), transcribed here.
 * {@code vision_cfg.timm_model_kwargs} overrides any of it, as open_clip forwards those kwargs to
 * {@code timm.create_model}.
 *
 * @param patchSize patch side
 * @param width embedding width ({@code embed_dim})
 * @param depth number of blocks
 * @param heads attention heads
 * @param mlpRatio MLP width over model width
 * @param activation the MLP activation ({@code act_layer}; timm's default is the erf GELU)
 */
record TimmVit(
    int patchSize, int width, int depth, int heads, double mlpRatio, Activation activation) {

  private static final double SO400M_MLP = 3.7362;

  // Only MAP-pooled, class-token-free SigLIP trunks: the *_siglip_gap_* variants pool by average.
  private static final Map<String, TimmVit> NAMES =
      Map.ofEntries(
          Map.entry(
              "vit_base_patch32_siglip_256", new TimmVit(32, 768, 12, 12, 4, Activation.GELU_TANH)),
          Map.entry(
              "vit_base_patch16_siglip_224", new TimmVit(16, 768, 12, 12, 4, Activation.GELU)),
          Map.entry(
              "vit_base_patch16_siglip_256", new TimmVit(16, 768, 12, 12, 4, Activation.GELU)),
          Map.entry(
              "vit_base_patch16_siglip_384", new TimmVit(16, 768, 12, 12, 4, Activation.GELU)),
          Map.entry(
              "vit_base_patch16_siglip_512", new TimmVit(16, 768, 12, 12, 4, Activation.GELU)),
          Map.entry(
              "vit_large_patch16_siglip_256", new TimmVit(16, 1024, 24, 16, 4, Activation.GELU)),
          Map.entry(
              "vit_large_patch16_siglip_384", new TimmVit(16, 1024, 24, 16, 4, Activation.GELU)),
          Map.entry(
              "vit_large_patch16_siglip_512",
              new TimmVit(16, 1024, 24, 16, 4, Activation.GELU_TANH)),
          Map.entry(
              "vit_so400m_patch14_siglip_224",
              new TimmVit(14, 1152, 27, 16, SO400M_MLP, Activation.GELU)),
          Map.entry(
              "vit_so400m_patch14_siglip_378",
              new TimmVit(14, 1152, 27, 16, SO400M_MLP, Activation.GELU)),
          Map.entry(
              "vit_so400m_patch14_siglip_384",
              new TimmVit(14, 1152, 27, 16, SO400M_MLP, Activation.GELU)),
          Map.entry(
              "vit_so400m_patch16_siglip_256",
              new TimmVit(16, 1152, 27, 16, SO400M_MLP, Activation.GELU_TANH)),
          Map.entry(
              "vit_so400m_patch16_siglip_384",
              new TimmVit(16, 1152, 27, 16, SO400M_MLP, Activation.GELU_TANH)),
          Map.entry(
              "vit_so400m_patch16_siglip_512",
              new TimmVit(16, 1152, 27, 16, SO400M_MLP, Activation.GELU_TANH)),
          Map.entry(
              "vit_giantopt_patch16_siglip_256",
              new TimmVit(16, 1536, 40, 16, 4, Activation.GELU_TANH)),
          Map.entry(
              "vit_giantopt_patch16_siglip_384",
              new TimmVit(16, 1536, 40, 16, 4, Activation.GELU_TANH)));

  /**
   * Kwargs that only change the geometry: anything else could change the math, so it is refused.
   */
  private static final Set<String> KWARGS =
      Set.of(
          "img_size",
          "patch_size",
          "embed_dim",
          "depth",
          "num_heads",
          "mlp_ratio",
          "act_layer",
          "class_token",
          "global_pool",
          "num_classes",
          "pretrained_cfg",
          "pretrained_cfg_overlay",
          "drop_rate",
          "drop_path_rate",
          "attn_drop_rate",
          "proj_drop_rate",
          "pos_drop_rate",
          "patch_drop_rate");

  /**
   * The trunk of {@code name}, overridden by {@code kwargs}.
   *
   * @throws UnsupportedModelException for a name not in the table or a kwarg that changes more than
   *     the geometry
   */
  static TimmVit resolve(String name, JsonNode kwargs) throws UnsupportedModelException {
    TimmVit base = NAMES.get(name);
    if (base == null) {
      String hint =
          name.contains("_gap_")
              ? " (a global-average-pooled variant; Glimpse implements the MAP head)"
              : name.contains("naflex")
                  ? " (NaFlex variable resolution is not supported; use a fixed-resolution model)"
                  : "";
      throw new UnsupportedModelException(
          "timm model '"
              + name
              + "' is not a SigLIP ViT that Glimpse knows"
              + hint
              + "; known: "
              + String.join(", ", new java.util.TreeSet<>(NAMES.keySet())));
    }
    if (kwargs == null || kwargs.isMissingNode() || kwargs.isNull()) {
      return base;
    }
    for (Iterator<String> it = kwargs.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KWARGS.contains(key)) {
        throw new UnsupportedModelException(
            "vision_cfg.timm_model_kwargs." + key + " is not supported by Glimpse");
      }
    }
    if (kwargs.has("class_token") && kwargs.get("class_token").asBoolean()) {
      throw new UnsupportedModelException("a SigLIP trunk with a class token is not supported");
    }
    if (kwargs.has("global_pool") && !kwargs.get("global_pool").asText().equals("map")) {
      throw new UnsupportedModelException(
          "timm global_pool '"
              + kwargs.get("global_pool").asText()
              + "' is not supported; use map");
    }
    Activation act = base.activation;
    if (kwargs.has("act_layer")) {
      act =
          switch (kwargs.get("act_layer").asText()) {
            case "gelu" -> Activation.GELU;
            case "gelu_tanh" -> Activation.GELU_TANH;
            case "quick_gelu" -> Activation.QUICK_GELU;
            default ->
                throw new UnsupportedModelException(
                    "timm act_layer '" + kwargs.get("act_layer").asText() + "' is not supported");
          };
    }
    return new TimmVit(
        kwargs.path("patch_size").asInt(base.patchSize),
        kwargs.path("embed_dim").asInt(base.width),
        kwargs.path("depth").asInt(base.depth),
        kwargs.path("num_heads").asInt(base.heads),
        kwargs.path("mlp_ratio").asDouble(base.mlpRatio),
        act);
  }

  /** A timm name to write with {@code timm_model_kwargs} when no name has the geometry. */
  static final String BASE_NAME = "vit_base_patch16_siglip_224";

  /** The trunk of a MAP-pooled vision config. */
  static TimmVit of(VisionConfig v) {
    TransformerConfig t = v.transformer();
    return new TimmVit(
        v.patchSize(),
        t.width(),
        t.layers(),
        t.heads(),
        (double) t.mlpWidth() / t.width(),
        t.activation());
  }

  /**
   * The timm name whose registered geometry, at its own image size, is exactly {@code trunk} at
   * {@code imageSize} (timm names end in the size they were registered for), if there is one.
   */
  static java.util.Optional<String> nameOf(TimmVit trunk, int imageSize) {
    return NAMES.entrySet().stream()
        .filter(e -> e.getKey().endsWith("_" + imageSize))
        .filter(e -> e.getValue().sameGeometry(trunk))
        .map(Map.Entry::getKey)
        .sorted()
        .findFirst();
  }

  private boolean sameGeometry(TimmVit o) {
    return patchSize == o.patchSize
        && width == o.width
        && depth == o.depth
        && heads == o.heads
        && mlpWidth() == o.mlpWidth()
        && activation == o.activation;
  }

  /** timm's {@code act_layer} name of an activation. */
  static String actLayer(Activation a) {
    return switch (a) {
      case GELU -> "gelu";
      case GELU_TANH -> "gelu_tanh";
      case QUICK_GELU -> "quick_gelu";
    };
  }

  /** timm's {@code int(dim * mlp_ratio)}, truncated as Python's {@code int} does. */
  int mlpWidth() {
    return (int) (width * mlpRatio);
  }
}
