package dev.glimpse.core.clip;

import jdk.incubator.vector.FloatVector;

/** The JVM's preferred vector width; only loaded once the Vector API module is known present. */
final class VectorWidth {
  private VectorWidth() {}

  static int preferredFloatBits() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
