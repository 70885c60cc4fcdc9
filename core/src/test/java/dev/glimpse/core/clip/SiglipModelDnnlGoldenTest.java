package dev.glimpse.core.clip;

/**
 * The SigLIP golden tests of {@link SiglipModelGoldenTest} on oneDNN in float32, with the same
 * bounds (the fixture README's features max abs 2e-5, stricter than the 5e-5, and cosine
 * 0.999999).
 */
class SiglipModelDnnlGoldenTest extends SiglipModelGoldenTest {
  @Override
  Backend backend() {
    return Backend.ONEDNN;
  }
}
