/**
 * Image decoding and CLIP preprocessing.
 *
 * <p>The pipeline reproduces OpenAI's reference {@code clip._transform(n_px)} (Pillow 9.4):
 *
 * <ol>
 *   <li>{@link dev.glimpse.core.image.ImageDecoder} decodes a file into a {@link
 *       dev.glimpse.core.image.DecodedImage} (8-bit samples, mode L, RGB or RGBA), without ICC
 *       colour management, applying the EXIF orientation and guarding against decompression bombs;
 *   <li>{@link dev.glimpse.core.image.PillowResampler} resizes it exactly as Pillow's {@code
 *       Image.resize(size, BICUBIC)} does (RGBA premultiplied);
 *   <li>{@link dev.glimpse.core.image.ClipPreprocessor} computes the reference geometry (shortest
 *       side, truncated long side, round-half-to-even centre crop), converts to RGB and normalises
 *       into a CHW float array, as configured by {@link dev.glimpse.core.image.PreprocessConfig}.
 * </ol>
 */
package dev.glimpse.core.image;
