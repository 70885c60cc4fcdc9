package dev.glimpse.core.indexing;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.PreprocessConfig;

/** The image side of a CLIP model, as the indexing pipeline needs it. */
public interface ImageEncoder {
  /** The preprocessing the encoder expects. */
  PreprocessConfig preprocess();

  /** L2-normalised embeddings of {@code count} preprocessed CHW images, back to back. */
  float[][] encode(float[] pixels, int count);

  /** The image tower of a CLIP model. */
  static ImageEncoder of(ClipModel model) {
    return new ImageEncoder() {
      @Override
      public PreprocessConfig preprocess() {
        return model.preprocess();
      }

      @Override
      public float[][] encode(float[] pixels, int count) {
        return model.encodeImages(pixels, count);
      }
    };
  }
}
