package dev.glimpse.core.clip;

/**
 * The SigLIP golden tests of {@link SiglipModelGoldenTest}, same bounds (the fixture README's: 2e-5
 * on features, inside the 5e-5), on ONNX Runtime in fp32: the in-memory graphs of {@link
 * ClipOnnxGraphs} with the MAP image head and the last-token text head.
 */
class SiglipModelOnnxGoldenTest extends SiglipModelGoldenTest {
  @Override
  Backend backend() {
    return Backend.ONNX;
  }
}
