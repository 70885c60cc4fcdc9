package dev.glimpse.core.bench;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import dev.glimpse.core.indexing.IndexingSummary;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Indexes many small synthetic photos and watches the heap, to show that memory does not grow with
 * the number of photos: the bounded queues between the pipeline stages should keep it flat.
 *
 * <p>The photos are 640x480 JPEGs, each with its own colour gradient, noise and its number drawn as
 * a row of black and white blocks, so every file has distinct content and is really encoded. They
 * are written once to a folder and reused by later runs.
 */
public final class HeapBenchmark {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;

  /**
   * Used heap after a full GC, once the indexer had processed {@code images} files.
   *
   * @param images files processed
   * @param usedBytes heap used after {@link System#gc()}
   */
  public record Checkpoint(long images, long usedBytes) {}

  /**
   * What one run measured.
   *
   * @param images newly indexed images
   * @param seconds wall time of the indexing run
   * @param maxHeapBytes the heap limit ({@code -Xmx})
   * @param peakUsedBytes the largest used heap seen, sampled every 100 ms (garbage included)
   * @param afterGc used heap after a full GC at each checkpoint
   */
  public record Result(
      long images,
      double seconds,
      long maxHeapBytes,
      long peakUsedBytes,
      List<Checkpoint> afterGc) {

    /** Images per second of the run (including the checkpoints' GC pauses). */
    public double imagesPerSecond() {
      return images / seconds;
    }
  }

  private final ClipModel model;
  private final Consumer<String> log;

  /**
   * Creates a benchmark.
   *
   * @param model the model, already loaded
   * @param log receives progress lines
   */
  public HeapBenchmark(ClipModel model, Consumer<String> log) {
    this.model = model;
    this.log = log;
  }

  /**
   * Writes {@code count} distinct synthetic JPEGs to {@code folder} unless it already holds them.
   *
   * @param folder where to write them
   * @param count how many
   * @throws IOException if they cannot be written
   */
  public void writePhotos(Path folder, int count) throws IOException {
    Files.createDirectories(folder);
    try (Stream<Path> existing = Files.walk(folder)) {
      if (existing.filter(Files::isRegularFile).count() == count) {
        return;
      }
    }
    log.accept("writing " + count + " synthetic JPEGs to " + folder + " ...");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    for (int i = 0; i < count; i++) {
      draw(image, i);
      // Sub-folders of 1000 keep directory listings short.
      Path file = folder.resolve(String.format(Locale.ROOT, "%03d/%06d.jpg", i / 1000, i));
      Files.createDirectories(file.getParent());
      if (!ImageIO.write(image, "jpeg", file.toFile())) {
        throw new IOException("no JPEG writer available");
      }
    }
  }

  private static void draw(BufferedImage image, int number) {
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    SplittableRandom random = new SplittableRandom(number);
    int r0 = random.nextInt(256);
    int g0 = random.nextInt(256);
    int b0 = random.nextInt(256);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int n = random.nextInt(32) - 16;
        int at = (y * WIDTH + x) * 3;
        bgr[at] = (byte) clamp(b0 + (x + y) * 64 / (WIDTH + HEIGHT) + n);
        bgr[at + 1] = (byte) clamp(g0 + y * 128 / HEIGHT + n);
        bgr[at + 2] = (byte) clamp(r0 + x * 128 / WIDTH + n);
      }
    }
    // The number in binary, 20 blocks of 24x24 px along the top.
    for (int bit = 0; bit < 20; bit++) {
      byte v = ((number >> bit) & 1) == 1 ? (byte) 255 : 0;
      for (int y = 8; y < 32; y++) {
        int from = (y * WIDTH + 8 + bit * 30) * 3;
        Arrays.fill(bgr, from, from + 24 * 3, v);
      }
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /**
   * Indexes {@code folder} into a fresh index under {@code scratch} with default options.
   *
   * @param folder the photos
   * @param checkpoints processed-file counts at which to run a full GC and record the used heap
   * @param scratch where the temporary index is created (and deleted)
   * @return the numbers
   * @throws IOException if the index cannot be written
   * @throws InterruptedException if interrupted
   */
  public Result run(Path folder, long[] checkpoints, Path scratch)
      throws IOException, InterruptedException {
    IndexingOptions options = IndexingOptions.defaults(List.of(folder));
    ModelManifest manifest = BenchManifest.of(model);
    Runtime rt = Runtime.getRuntime();
    AtomicLong peak = new AtomicLong();
    List<Checkpoint> afterGc = new ArrayList<>();
    int[] next = {0};
    IndexingListener listener =
        p -> {
          if (next[0] < checkpoints.length && p.processed() >= checkpoints[next[0]]) {
            System.gc();
            afterGc.add(new Checkpoint(p.processed(), rt.totalMemory() - rt.freeMemory()));
            log.accept(
                "processed " + p.processed() + ", used heap after GC " + mib(afterGc.getLast()));
            next[0]++;
          }
        };
    Thread sampler =
        Thread.ofPlatform()
            .name("glimpse-heap-sampler")
            .daemon()
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    try {
                      Thread.sleep(100);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    Files.createDirectories(scratch);
    Path dir = Files.createTempDirectory(scratch, "index-");
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.forModel(manifest))) {
      long t0 = System.nanoTime();
      IndexingSummary s =
          new ImageIndexer(
                  ImageEncoder.of(model), store, options, new ImageDecoder(), Set.of(dir), listener)
              .run();
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Result(s.indexed(), seconds, rt.maxMemory(), peak.get(), List.copyOf(afterGc));
    } finally {
      sampler.interrupt();
      sampler.join();
      IndexBenchmark.deleteTree(dir);
    }
  }

  private static String mib(Checkpoint c) {
    return (c.usedBytes() >> 20) + " MiB";
  }
}
