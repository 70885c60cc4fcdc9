package dev.glimpse.core.image;

/**
 * Where the reference transform resizes and crops an image: torchvision's {@code
 * Resize(shortestEdge)} then {@code CenterCrop(cropSize)} for CLIP, {@code Resize((size, size))} (a
 * squash, no crop) for SigLIP.
 *
 * @param resizedWidth width after the resize
 * @param resizedHeight height after the resize
 * @param cropLeft left edge of the crop in the resized image; negative when the crop is wider than
 *     the image and is padded
 * @param cropTop top edge of the crop in the resized image; negative when padded
 * @param cropSize side of the square crop
 */
public record CropGeometry(
    int resizedWidth, int resizedHeight, int cropLeft, int cropTop, int cropSize) {

  /**
   * Computes the geometry for a source image.
   *
   * <p>The shorter side becomes {@code shortestEdge}; the longer side is {@code int(shortestEdge *
   * long / short)}, truncated, as torchvision computes it in Python (the product is an exact
   * integer, the division a double). The crop offset is {@code round((size - crop) / 2)} with
   * round-half-to-even; when the image is smaller than the crop, torchvision pads it with {@code
   * (crop - size) // 2} zeros before the image, giving a negative offset here.
   *
   * @param width source width, positive
   * @param height source height, positive
   * @param config the sizes
   * @return the geometry
   */
  public static CropGeometry of(int width, int height, PreprocessConfig config) {
    if (config.resizeMode() == PreprocessConfig.ResizeMode.SQUASH) {
      // Both sides become the square's side, independently: the aspect ratio is not kept.
      int s = config.cropSize();
      return new CropGeometry(s, s, 0, 0, s);
    }
    int n = config.shortestEdge();
    int resizedWidth;
    int resizedHeight;
    if (width <= height) {
      resizedWidth = n;
      resizedHeight = longSide(n, height, width);
    } else {
      resizedHeight = n;
      resizedWidth = longSide(n, width, height);
    }
    int crop = config.cropSize();
    return new CropGeometry(
        resizedWidth,
        resizedHeight,
        cropOffset(resizedWidth, crop),
        cropOffset(resizedHeight, crop),
        crop);
  }

  private static int longSide(int shortestEdge, int longSide, int shortSide) {
    double exact = (double) ((long) shortestEdge * longSide) / shortSide;
    if (exact >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "resized long side overflows: " + shortestEdge + " * " + longSide + " / " + shortSide);
    }
    return Math.max(1, (int) exact);
  }

  private static int cropOffset(int size, int crop) {
    if (crop > size) {
      return -Math.floorDiv(crop - size, 2);
    }
    return (int) Math.rint((size - crop) / 2.0);
  }
}
