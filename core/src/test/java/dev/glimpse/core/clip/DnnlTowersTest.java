package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oneDNN towers' plan cache and locking, on a small random QuickGELU CLIP. */
class DnnlTowersTest {
  @TempDir static Path dir;
  private static ClipModel fast;
  private static float[] pixels;
  private static final int IMAGES = 7;
  private static final int SIZE = 64;

  @BeforeAll
  static void load() throws Exception {
    ClipConfig config =
        new ClipConfig(
            32,
            new VisionConfig(
                SIZE, 16, new TransformerConfig(64, 2, 4, 256, Activation.QUICK_GELU, 1e-5f)),
            new TextConfig(
                77, 49408, new TransformerConfig(64, 2, 4, 256, Activation.QUICK_GELU, 1e-5f)));
    SyntheticCheckpoint.write(dir, config, 5, DType.F32);
    fast =
        ClipModel.load(
            ClipCheckpoint.open(dir), new ClipOptions(Precision.BF16, Backend.ONEDNN, 0));
    pixels = Golden.randomPixels(IMAGES * 3 * SIZE * SIZE, 11);
  }

  @AfterAll
  static void close() {
    fast.close();
  }

  private static float[] image(int i) {
    int n = 3 * SIZE * SIZE;
    return java.util.Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
  }

  private static void assertSame(String what, float[] expected, float[] actual) {
    double cos = Vectors.cosine(expected, actual);
    assertTrue(cos >= 0.99999, what + ": cosine " + cos);
  }

  /** More batch shapes than plans kept: evicted and rebuilt plans give the same features. */
  @Test
  void every_batch_size_gives_each_image_its_own_features() {
    float[][] alone = new float[IMAGES][];
    for (int i = 0; i < IMAGES; i++) {
      alone[i] = fast.imageFeatures(image(i), 1)[0];
    }
    for (int round = 0; round < 2; round++) {
      for (int count = IMAGES; count >= 1; count--) {
        float[] batch = java.util.Arrays.copyOf(pixels, count * 3 * SIZE * SIZE);
        float[][] out = fast.imageFeatures(batch, count);
        assertEquals(count, out.length);
        for (int i = 0; i < count; i++) {
          assertSame("image " + i + " of " + count, alone[i], out[i]);
        }
      }
    }
    // Distinct images give distinct features (the batch rows are not mixed up).
    assertTrue(Vectors.cosine(alone[0], alone[1]) < 0.999);
  }

  /** Many lengths (many text plans) and batch compositions: each text keeps its features. */
  @Test
  void texts_of_every_length_keep_their_features_in_any_batch() {
    List<String> texts = new ArrayList<>();
    StringBuilder b = new StringBuilder("a");
    for (int i = 0; i < 24; i++) {
      b.append(" photo");
      texts.add(b.toString());
    }
    float[][] alone = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      alone[i] = fast.textFeatures(fast.tokenizer().encode(List.of(texts.get(i))))[0];
    }
    float[][] together = fast.textFeatures(fast.tokenizer().encode(texts));
    for (int i = 0; i < texts.size(); i++) {
      assertSame("text " + i, alone[i], together[i]);
    }
  }

  /** Image batches and text queries from many threads at once: the same answers as one by one. */
  @Test
  void concurrent_callers_get_the_answers_of_sequential_calls() throws Exception {
    List<String> queries = List.of("a dog", "two cats on a red sofa", "x", "the moon over a lake");
    float[][] textExpected = new float[queries.size()][];
    for (int i = 0; i < queries.size(); i++) {
      textExpected[i] = fast.textFeatures(fast.tokenizer().encode(List.of(queries.get(i))))[0];
    }
    float[][] imageExpected =
        fast.imageFeatures(java.util.Arrays.copyOf(pixels, 3 * 3 * SIZE * SIZE), 3);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int id = t;
        jobs.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 15; k++) {
                    if ((id + k) % 3 == 0) {
                      float[][] got =
                          fast.imageFeatures(
                              java.util.Arrays.copyOf(pixels, 3 * 3 * SIZE * SIZE), 3);
                      for (int i = 0; i < 3; i++) {
                        assertSame("thread " + id + " image " + i, imageExpected[i], got[i]);
                      }
                    } else {
                      int q = (id + k) % queries.size();
                      float[] got =
                          fast.textFeatures(fast.tokenizer().encode(List.of(queries.get(q))))[0];
                      assertSame("thread " + id + " text " + q, textExpected[q], got);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Odd geometry against libtorch's float32: head width 80 (ViT-H's), 37 image tokens, a text
   * context of 20 (shorter than some rounded lengths), embed 40, F16-stored weights.
   */
  @Test
  void odd_geometry_matches_torch(@TempDir Path other) throws Exception {
    ClipConfig config =
        new ClipConfig(
            40,
            new VisionConfig(96, 16, new TransformerConfig(160, 3, 2, 480, Activation.GELU, 1e-5f)),
            new TextConfig(
                20, 49408, new TransformerConfig(80, 2, 1, 320, Activation.QUICK_GELU, 1e-5f)));
    SyntheticCheckpoint.write(other, config, 17, DType.F16);
    ClipCheckpoint c = ClipCheckpoint.open(other);
    float[] images = Golden.randomPixels(2 * 3 * 96 * 96, 5);
    try (ClipModel torch = ClipModel.load(c, ClipOptions.DEFAULTS);
        ClipModel bf16 = ClipModel.load(c, new ClipOptions(Precision.BF16, Backend.ONEDNN, 0))) {
      long[][] ids = {{0, 5, 9, 49407}, new long[20]};
      ids[1][0] = 0;
      for (int i = 1; i < 19; i++) {
        ids[1][i] = 100L + i;
      }
      ids[1][19] = 49407;
      float[][] a = torch.textFeatures(ids);
      float[][] b = bf16.textFeatures(ids);
      for (int r = 0; r < a.length; r++) {
        assertTrue(Vectors.cosine(a[r], b[r]) >= 0.9995, "text " + r);
      }
      float[][] ia = torch.imageFeatures(images, 2);
      float[][] ib = bf16.imageFeatures(images, 2);
      for (int r = 0; r < ia.length; r++) {
        assertTrue(Vectors.cosine(ia[r], ib[r]) >= 0.9995, "image " + r);
      }
    }
  }

  /**
   * A batch of sequences runs on the kernels one sequence runs on: a causal mask broadcast over the
   * batch once sent the attention matmul to oneDNN's reference kernel, 10x slower.
   */
  @Test
  void batched_text_plans_use_the_kernels_of_a_single_sequence() throws Exception {
    ClipCheckpoint c = ClipCheckpoint.open(dir);
    try (var dnnl = dev.glimpse.core.dnnl.Dnnl.cpu();
        var scope = new dev.glimpse.core.dnnl.DnnlScope();
        WeightStore store = c.openWeights()) {
      WeightReader reader = new WeightReader(store, c.layout(), c.config());
      TransformerConfig t = c.config().text().transformer();
      DnnlTransformer blocks =
          DnnlTransformer.load(
              dnnl,
              scope,
              dnnl.stream(scope),
              reader,
              CheckpointLayout.Tower.TEXT,
              t,
              dev.glimpse.core.dnnl.Dnnl.Type.BF16);
      List<String> one = kernels(blocks.plan(scope, 1, 16, true));
      List<String> four = kernels(blocks.plan(scope, 4, 16, true));
      assertEquals(one, four);
    }
  }

  private static List<String> kernels(DnnlTransformer.Blocks blocks) {
    return blocks.calls().stream().map(dev.glimpse.core.dnnl.Call::implementation).toList();
  }

  /**
   * A batch of images runs on the kernels one image runs on: adding the positions with a binary
   * primitive that wrote strided rows once ran on oneDNN's reference kernel for batches above 2.
   */
  @Test
  void batched_image_plans_use_the_kernels_of_a_single_image() throws Exception {
    ClipCheckpoint c = ClipCheckpoint.open(dir);
    try (var dnnl = dev.glimpse.core.dnnl.Dnnl.cpu();
        var scope = new dev.glimpse.core.dnnl.DnnlScope();
        WeightStore store = c.openWeights()) {
      WeightReader reader = new WeightReader(store, c.layout(), c.config());
      for (var type : dev.glimpse.core.dnnl.Dnnl.Type.values()) {
        DnnlVisionTower vision =
            DnnlVisionTower.load(dnnl, scope, dnnl.stream(scope), reader, type);
        assertEquals(vision.kernels(scope, 1), vision.kernels(scope, 5), type.name());
      }
    }
  }

  /** A closed model refuses to encode instead of running on freed native weights. */
  @Test
  void a_closed_model_refuses_to_encode() throws Exception {
    ClipModel m =
        ClipModel.load(
            ClipCheckpoint.open(dir), new ClipOptions(Precision.BF16, Backend.ONEDNN, 0));
    m.imageFeatures(image(0), 1);
    m.close();
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> m.imageFeatures(image(0), 1));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> m.textFeatures(new long[][] {{49406, 320, 49407}}));
  }
}
