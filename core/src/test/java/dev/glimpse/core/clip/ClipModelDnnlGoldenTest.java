package dev.glimpse.core.clip;

/** The golden tests of {@link ClipModelGoldenTest}, same float32 bounds, on oneDNN in float32. */
class ClipModelDnnlGoldenTest extends ClipModelGoldenTest {
  @Override
  Backend backend() {
    return Backend.ONEDNN;
  }
}
