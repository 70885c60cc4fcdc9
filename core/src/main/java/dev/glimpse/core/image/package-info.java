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
 *       Image.resize(size, BICUBIC)} does (RGBA premultiplied), computing only the pixels of the
 *       centre crop;
 *   <li>{@link dev.glimpse.core.image.ClipPreprocessor} computes the reference geometry (shortest
 *       side, truncated long side, round-half-to-even centre crop), converts to RGB and normalises
 *       into a CHW float array, as configured by {@link dev.glimpse.core.image.PreprocessConfig}.
 * </ol>
 *
 * <p>For indexing, {@link dev.glimpse.core.image.ImageDecoder#decodeDownscaled} decodes large JPEGs
 * at 1/2, 1/4 or 1/8 size with libjpeg-turbo's DCT scaling (what Pillow's {@code draft()} does,
 * native code shipped inside the Leptonica jar), 6 to 16 times less CPU on 12 MP photos; its output
 * is close to, not bit-exact with, the reference. At 1/8, {@link
 * dev.glimpse.core.image.ProgressiveScanPruner} first removes from progressive files the AC scans
 * that the 1x1 inverse DCT ignores (the same pixels for a third of the CPU). {@link
 * dev.glimpse.core.image.ImageFormat} recognises formats by content, so that HEIF, AVIF, JPEG XL
 * and camera RAW files are refused with {@link
 * dev.glimpse.core.image.ImageDecodeException.Reason#UNSUPPORTED_FORMAT} rather than as garbage.
 */
package dev.glimpse.core.image;
