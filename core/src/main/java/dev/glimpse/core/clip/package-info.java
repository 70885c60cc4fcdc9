/**
 * CLIP in Java: checkpoint loading ({@link dev.glimpse.core.clip.ClipCheckpoint}, memory-mapped
 * {@link dev.glimpse.core.clip.SafetensorsFile}), the ViT image tower and causal text tower on
 * DJL's PyTorch engine ({@link dev.glimpse.core.clip.ClipModel}), the tokenizers of each family
 * ({@link dev.glimpse.core.clip.TextTokenizers}) and zero-shot classification ({@link
 * dev.glimpse.core.clip.ZeroShotClassifier}).
 *
 * <p>Geometry and activation always come from the checkpoint's config. Outputs match OpenAI's
 * reference implementation to float32 rounding (see the golden tests).
 */
package dev.glimpse.core.clip;
