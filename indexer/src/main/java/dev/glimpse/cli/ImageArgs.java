package dev.glimpse.cli;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.image.ImageDecodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Image file arguments: validation before the model loads, and batched encoding. */
final class ImageArgs {
  private ImageArgs() {}

  /** Fails fast, before a model download, on image paths that cannot be read. */
  static void checkReadable(List<Path> images) throws UsageException {
    for (Path p : images) {
      if (!Files.exists(p)) {
        throw new UsageException("image " + p + " does not exist");
      }
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw new UsageException("image " + p + " is not a readable file");
      }
    }
  }

  /** Decodes, preprocesses and encodes images in batches; rows follow the input order. */
  static float[][] encode(ClipModel model, ClipPreprocessor pre, List<Path> images, int batch)
      throws IOException {
    float[][] out = new float[images.size()][];
    int size = model.preprocess().cropSize();
    int per = 3 * size * size;
    for (int start = 0; start < images.size(); start += batch) {
      int n = Math.min(batch, images.size() - start);
      float[] pixels = new float[n * per];
      for (int k = 0; k < n; k++) {
        Path p = images.get(start + k);
        try {
          float[] one = pre.preprocess(p);
          System.arraycopy(one, 0, pixels, k * per, per);
        } catch (ImageDecodeException e) {
          throw e;
        } catch (IOException e) {
          throw new ImageDecodeException("cannot read image " + p + ": " + e.getMessage(), e);
        }
      }
      float[][] v = model.encodeImages(pixels, n);
      System.arraycopy(v, 0, out, start, n);
    }
    return out;
  }
}
