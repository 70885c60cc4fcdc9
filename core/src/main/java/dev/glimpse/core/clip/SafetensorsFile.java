package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file, read memory-mapped: an 8-byte little-endian header length, a JSON header,
 * then the raw little-endian tensor data. Tensor data is mapped on demand, one tensor at a time, so
 * the file is never read whole onto the Java heap.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** The safetensors library refuses headers above 100 MB; so do we. */
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a safetensors file: the header must parse, and every tensor's data must lie
   * inside the file (a truncated download fails here, not later).
   */
  public static SafetensorsFile open(Path path) throws CheckpointException {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new CheckpointException("cannot open weights file " + path + ": " + e.getMessage(), e);
    }
    try {
      return read(path, channel);
    } catch (CheckpointException | RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    } catch (IOException e) {
      closeQuietly(channel, e);
      throw new CheckpointException("cannot read weights file " + path + ": " + e.getMessage(), e);
    }
  }

  private static SafetensorsFile read(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new CheckpointException(
          "weights file "
              + path
              + " is truncated ("
              + size
              + " bytes): not a safetensors file; download it again");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lenBuf, 0);
    long headerLen = lenBuf.flip().getLong();
    if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
      throw new CheckpointException(
          "weights file "
              + path
              + " has an invalid safetensors header length "
              + headerLen
              + " (file size "
              + size
              + "): the file is truncated or not a safetensors file");
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
    readFully(channel, headerBuf, 8);
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException(
          "weights file " + path + " has a malformed safetensors header: " + e.getMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new CheckpointException(
          "weights file " + path + " has a malformed safetensors header: not a JSON object");
    }
    long dataStart = 8 + headerLen;
    long dataLen = size - dataStart;
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (e.getKey().equals("__metadata__")) {
        e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      TensorInfo info = parseEntry(path, e.getKey(), e.getValue());
      if (info.end() > dataLen) {
        throw new CheckpointException(
            "weights file "
                + path
                + " is truncated: tensor "
                + info.name()
                + " ends at byte "
                + (dataStart + info.end())
                + " but the file has "
                + size
                + " bytes; download it again");
      }
      tensors.put(info.name(), info);
    }
    return new SafetensorsFile(
        path,
        channel,
        dataStart,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata));
  }

  private static TensorInfo parseEntry(Path path, String name, JsonNode node)
      throws CheckpointException {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || shape == null || !shape.isArray() || offsets == null) {
      throw new CheckpointException(
          "weights file " + path + " has a malformed header entry for tensor " + name);
    }
    try {
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i).asLong(-1);
      }
      return new TensorInfo(
          name,
          DType.parse(dtype.asText()),
          dims,
          offsets.get(0).asLong(),
          offsets.get(1).asLong());
    } catch (IllegalArgumentException | ArithmeticException | NullPointerException e) {
      throw new CheckpointException(
          "weights file "
              + path
              + " has an invalid entry for tensor "
              + name
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buf, long position)
      throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel channel, Exception primary) {
    try {
      channel.close();
    } catch (IOException suppressed) {
      primary.addSuppressed(suppressed);
    }
  }

  /** The file this was read from. */
  public Path path() {
    return path;
  }

  /** The tensors in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} entries of the header. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Maps the raw little-endian bytes of one tensor. */
  public ByteBuffer map(TensorInfo info) throws CheckpointException {
    long length = info.end() - info.begin();
    if (length > Integer.MAX_VALUE) {
      throw new CheckpointException(
          "tensor " + info.name() + " in " + path + " is larger than 2 GiB; not supported");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), length)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new CheckpointException(
          "cannot map tensor " + info.name() + " of " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads one floating-point tensor (F32, F16 or BF16) as float32 values, in row-major order. */
  public float[] readFloats(TensorInfo info) throws CheckpointException {
    if (!info.dtype().isFloatWeight()) {
      throw new CheckpointException(
          "tensor "
              + info.name()
              + " in "
              + path
              + " has dtype "
              + info.dtype()
              + "; Glimpse reads F32, F16 and BF16 weights");
    }
    long count = info.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new CheckpointException("tensor " + info.name() + " is too large: " + count);
    }
    return Float16.toFloats(map(info), info.dtype(), (int) count);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
