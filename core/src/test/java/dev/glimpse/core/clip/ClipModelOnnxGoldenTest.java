package dev.glimpse.core.clip;

/** The golden tests of {@link ClipModelGoldenTest}, same bounds, on ONNX Runtime. */
class ClipModelOnnxGoldenTest extends ClipModelGoldenTest {
  @Override
  Backend backend() {
    return Backend.ONNX;
  }
}
