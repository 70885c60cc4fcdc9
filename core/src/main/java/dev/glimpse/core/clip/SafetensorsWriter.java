package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes float tensors as a safetensors file (sorted names, {@code __metadata__} first, header
 * padded to 8 bytes, as the safetensors library writes it). Used for synthetic benchmark
 * checkpoints and for converting dtypes.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor to write. */
  public record Tensor(long[] shape, float[] values) {
    public Tensor {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (n != values.length) {
        throw new IllegalArgumentException(
            "shape "
                + java.util.Arrays.toString(shape)
                + " needs "
                + n
                + " values, got "
                + values.length);
      }
    }
  }

  private SafetensorsWriter() {}

  /** Writes the tensors in {@code dtype} (F32, F16 or BF16), atomically replacing {@code file}. */
  public static void write(Path file, Map<String, Tensor> tensors, DType dtype) throws IOException {
    if (!dtype.isFloatWeight()) {
      throw new IllegalArgumentException("can only write F32, F16 or BF16, not " + dtype);
    }
    Map<String, Tensor> sorted = new TreeMap<>(tensors);
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
      long bytes = (long) e.getValue().values().length * dtype.bytes();
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype.name());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    java.util.Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : sorted.values()) {
        for (float v : t.values()) {
          if (buf.remaining() < 4) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          switch (dtype) {
            case F32 -> buf.putFloat(v);
            case F16 -> buf.putShort(Float.floatToFloat16(v));
            case BF16 -> buf.putShort(toBfloat16(v));
            default -> throw new AssertionError(dtype);
          }
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Round-to-nearest-even float32 to bfloat16 (NaN stays NaN). */
  static short toBfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
