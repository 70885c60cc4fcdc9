package dev.glimpse.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One protocol-buffers message, written in the binary wire format.
 *
 * <p>Just enough of the format for ONNX models: varints, 32-bit floats, strings, packed raw bytes
 * and nested messages. Sizes are computed before anything is written, so a model of hundreds of
 * megabytes is serialised straight into one array of its exact size, and weight data is copied
 * once, from the caller's {@code float[]}.
 */
final class ProtoMessage {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private sealed interface Field permits Varint, Fixed32, Bytes, Floats, Message {
    int number();
  }

  private record Varint(int number, long value) implements Field {}

  private record Fixed32(int number, int bits) implements Field {}

  private record Bytes(int number, byte[] value) implements Field {}

  private record Floats(int number, float[] value) implements Field {}

  private record Message(int number, ProtoMessage value) implements Field {}

  private final List<Field> fields = new ArrayList<>();
  private long size = -1;

  ProtoMessage varint(int number, long value) {
    return add(new Varint(number, value));
  }

  ProtoMessage float32(int number, float value) {
    return add(new Fixed32(number, Float.floatToRawIntBits(value)));
  }

  ProtoMessage string(int number, String value) {
    return add(new Bytes(number, value.getBytes(StandardCharsets.UTF_8)));
  }

  ProtoMessage bytes(int number, byte[] value) {
    return add(new Bytes(number, value.clone()));
  }

  /** A bytes field holding the floats in little-endian order (ONNX {@code raw_data}). */
  ProtoMessage rawFloats(int number, float[] value) {
    return add(new Floats(number, value));
  }

  ProtoMessage message(int number, ProtoMessage value) {
    return add(new Message(number, value));
  }

  private ProtoMessage add(Field f) {
    if (f.number() <= 0) {
      throw new IllegalArgumentException("field numbers start at 1: " + f.number());
    }
    fields.add(f);
    size = -1;
    return this;
  }

  /** Encoded size in bytes, without this message's own tag and length. */
  long size() {
    if (size < 0) {
      long n = 0;
      for (Field f : fields) {
        n += fieldSize(f);
      }
      size = n;
    }
    return size;
  }

  /**
   * The encoded message.
   *
   * @throws IllegalStateException if it does not fit in one Java array (2 GiB) or in the heap
   */
  byte[] toByteArray() {
    long n = size();
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "an ONNX model of " + n + " bytes does not fit in one in-memory protobuf (2 GiB)");
    }
    ByteBuffer out;
    try {
      out = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
    } catch (OutOfMemoryError e) {
      // One large array, refused after a full GC: nothing else was left half-built.
      throw new IllegalStateException(
          "an ONNX model of "
              + (n >> 20)
              + " MiB does not fit in the Java heap (max "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB; raise -Xmx)",
          e);
    }
    writeTo(out);
    if (out.hasRemaining()) {
      throw new IllegalStateException("size mismatch: " + out.remaining() + " bytes left");
    }
    return out.array();
  }

  private void writeTo(ByteBuffer out) {
    for (Field f : fields) {
      switch (f) {
        case Varint v -> {
          tag(out, v.number(), VARINT);
          varint(out, v.value());
        }
        case Fixed32 x -> {
          tag(out, x.number(), FIXED32);
          out.putInt(x.bits());
        }
        case Bytes b -> {
          tag(out, b.number(), LENGTH_DELIMITED);
          varint(out, b.value().length);
          out.put(b.value());
        }
        case Floats fl -> {
          tag(out, fl.number(), LENGTH_DELIMITED);
          varint(out, 4L * fl.value().length);
          out.asFloatBuffer().put(fl.value());
          out.position(out.position() + 4 * fl.value().length);
        }
        case Message m -> {
          tag(out, m.number(), LENGTH_DELIMITED);
          varint(out, m.value().size());
          m.value().writeTo(out);
        }
      }
    }
  }

  private static long fieldSize(Field f) {
    long payload =
        switch (f) {
          case Varint v -> varintSize(v.value());
          case Fixed32 x -> 4;
          case Bytes b -> varintSize(b.value().length) + b.value().length;
          case Floats fl -> varintSize(4L * fl.value().length) + 4L * fl.value().length;
          case Message m -> varintSize(m.value().size()) + m.value().size();
        };
    return varintSize((long) f.number() << 3) + payload;
  }

  private static void tag(ByteBuffer out, int number, int wireType) {
    varint(out, ((long) number << 3) | wireType);
  }

  private static void varint(ByteBuffer out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  static int varintSize(long value) {
    int n = 1;
    long v = value;
    while ((v & ~0x7FL) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }
}
