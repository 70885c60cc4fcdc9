package dev.glimpse.core.clip;

import java.util.Locale;

/** Element types of a safetensors file. Glimpse computes with F32, F16 and BF16 weights. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2),
  F64(8),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1),
  F8_E4M3(1),
  F8_E5M2(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /** Whether Glimpse can read this type as floating-point weights. */
  public boolean isFloatWeight() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** Parses the dtype string of a safetensors header, e.g. {@code "F16"}. */
  static DType parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'", e);
    }
  }
}
