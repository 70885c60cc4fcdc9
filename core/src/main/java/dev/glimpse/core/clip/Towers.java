package dev.glimpse.core.clip;

/**
 * The two encoder towers of a loaded model, on one engine. Implementations are thread-safe: many
 * request threads may encode at once.
 */
interface Towers extends AutoCloseable {
  /** Unnormalised text features, one row per token row. */
  float[][] textFeatures(long[][] tokenIds, boolean fullContext);

  /** Unnormalised image features of {@code count} preprocessed CHW images, back to back. */
  float[][] imageFeatures(float[] pixels, int count);

  /** The engine these towers run on. */
  Backend backend();

  @Override
  void close();
}
