package dev.glimpse.core.hub;

import dev.glimpse.core.clip.ModelFamily;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Short names for the models worth using ({@code clip-b32}, {@code siglip2-b16}, ...), each with
 * the hub repository and revision it stands for, its size and geometry, and the quality its authors
 * or benchmarkers published. {@code --model} accepts these names wherever it accepts a hub id;
 * docs/models.md explains the choice.
 *
 * <p>The revisions are {@code main}: the hub's commit hashes cannot be looked up where this was
 * written. An index pins the commit {@code main} resolved to when it was built, so its vectors and
 * its queries always come from the same weights.
 */
public final class ModelCatalog {

  /**
   * Published quality, in percent; empty where no number was found.
   *
   * @param imagenetTop1 ImageNet-1k zero-shot top-1 accuracy
   * @param cocoTextToImageR1 MS-COCO 5k text-to-image retrieval recall@1
   * @param cocoImageToTextR1 MS-COCO 5k image-to-text retrieval recall@1
   * @param xm3600Recall Immich's Crossmodal-3600 English recall, mean of R@1, R@5 and R@10
   * @param source where the numbers come from
   */
  public record Quality(
      OptionalDouble imagenetTop1,
      OptionalDouble cocoTextToImageR1,
      OptionalDouble cocoImageToTextR1,
      OptionalDouble xm3600Recall,
      String source) {
    public Quality {
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * One catalogue entry.
   *
   * @param name the short name, e.g. {@code siglip2-b16}
   * @param hubId the hub repository, {@code org/name}
   * @param revision the revision the name resolves to
   * @param family CLIP, SigLIP or SigLIP 2
   * @param layout the checkpoint layout the hub repository has ({@code hf} or {@code open_clip})
   * @param paramsMillions parameters of both towers, in millions
   * @param embedDim embedding dimension (the index's vector dimension)
   * @param imageSize input side in pixels
   * @param patchSize ViT patch side in pixels
   * @param quality published quality numbers
   */
  public record Entry(
      String name,
      String hubId,
      String revision,
      ModelFamily family,
      String layout,
      double paramsMillions,
      int embedDim,
      int imageSize,
      int patchSize,
      Quality quality) {
    public Entry {
      new ModelRef(hubId, revision); // validates both
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(quality, "quality");
      if (!name.matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException("catalogue name '" + name + "' is not a short name");
      }
    }

    /**
     * The hub id the name stands for: {@code org/name}, with {@code @revision} unless it is the
     * default branch (so an index records the id as a user would have typed it).
     */
    public String hubRef() {
      return revision.equals(ModelRef.DEFAULT_REVISION) ? hubId : hubId + "@" + revision;
    }
  }

  private static final String OPEN_CLIP_CSV =
      "open_clip docs/openclip_results.csv and openclip_retrieval_results.csv";
  private static final String IMMICH = "Immich's XM3600 table (as quoted in issue 15)";
  private static final String SIGLIP2_PAPER =
      "SigLIP 2 paper (arXiv 2502.14786) Table 1, as quoted in issue 15 and the model cards";

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry(
              "clip-b32",
              "openai/clip-vit-base-patch32",
              "main",
              ModelFamily.CLIP,
              "hf",
              151.28,
              512,
              224,
              32,
              new Quality(
                  OptionalDouble.of(63.32),
                  OptionalDouble.of(30.44),
                  OptionalDouble.of(50.12),
                  OptionalDouble.of(59.4),
                  OPEN_CLIP_CSV + "; " + IMMICH)),
          new Entry(
              "clip-b16",
              "openai/clip-vit-base-patch16",
              "main",
              ModelFamily.CLIP,
              "hf",
              149.62,
              512,
              224,
              16,
              new Quality(
                  OptionalDouble.of(68.34),
                  OptionalDouble.of(33.09),
                  OptionalDouble.of(52.42),
                  OptionalDouble.empty(),
                  OPEN_CLIP_CSV)),
          new Entry(
              "datacomp-b32-256",
              "laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K",
              "main",
              ModelFamily.CLIP,
              "open_clip",
              151.29,
              512,
              256,
              32,
              new Quality(
                  OptionalDouble.of(72.81),
                  OptionalDouble.of(39.93),
                  OptionalDouble.of(57.92),
                  OptionalDouble.empty(),
                  OPEN_CLIP_CSV)),
          new Entry(
              "siglip-b16",
              "timm/ViT-B-16-SigLIP",
              "main",
              ModelFamily.SIGLIP,
              "open_clip",
              203.16,
              768,
              224,
              16,
              new Quality(
                  OptionalDouble.of(76.04),
                  OptionalDouble.of(47.78),
                  OptionalDouble.of(65.74),
                  OptionalDouble.of(71.6),
                  OPEN_CLIP_CSV + "; " + IMMICH)),
          new Entry(
              "siglip2-b16",
              "timm/ViT-B-16-SigLIP2",
              "main",
              ModelFamily.SIGLIP2,
              "open_clip",
              375.19,
              768,
              224,
              16,
              new Quality(
                  OptionalDouble.of(78.2),
                  OptionalDouble.of(52.1),
                  OptionalDouble.of(68.9),
                  OptionalDouble.of(75.2),
                  SIGLIP2_PAPER + "; " + IMMICH)),
          new Entry(
              "siglip2-b32-256",
              "timm/ViT-B-32-SigLIP2-256",
              "main",
              ModelFamily.SIGLIP2,
              "open_clip",
              376.86,
              768,
              256,
              32,
              new Quality(
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  OptionalDouble.of(73.2),
                  IMMICH)),
          new Entry(
              "siglip2-so400m",
              "timm/ViT-SO400M-14-SigLIP2",
              "main",
              ModelFamily.SIGLIP2,
              "open_clip",
              1135.46,
              1152,
              224,
              14,
              new Quality(
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  OptionalDouble.empty(),
                  "none recorded here")));

  private ModelCatalog() {}

  /** Every entry, in the order {@code glimpse models} lists them. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /** The entry of a short name (any case), if it is one. */
  public static Optional<Entry> find(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return ENTRIES.stream().filter(e -> e.name().equals(key)).findFirst();
  }

  /**
   * What a {@code --model} value means: a catalogue name becomes its hub id ({@link
   * Entry#hubRef()}); anything else (a hub id, a folder) is returned as given.
   */
  public static String resolve(String model) {
    return find(model).map(Entry::hubRef).orElse(model);
  }
}
