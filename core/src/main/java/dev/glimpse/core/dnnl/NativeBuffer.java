package dev.glimpse.core.dnnl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Native memory aligned to 64 bytes (a cache line, what oneDNN's kernels prefer), freed by the
 * owning {@link DnnlScope}.
 */
public final class NativeBuffer {
  private static final int ALIGN = 64;

  private final BytePointer aligned;
  private final long bytes;

  private NativeBuffer(BytePointer aligned, long bytes) {
    this.aligned = aligned;
    this.bytes = bytes;
  }

  /** {@code bytes} of uninitialised native memory, released when {@code scope} closes. */
  public static NativeBuffer allocate(DnnlScope scope, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("buffer size must be positive: " + bytes);
    }
    BytePointer base = new BytePointer(bytes + ALIGN);
    if (base.isNull()) {
      throw new OutOfMemoryError("cannot allocate " + bytes + " bytes of native memory");
    }
    long misalignment = base.address() % ALIGN;
    long offset = misalignment == 0 ? 0 : ALIGN - misalignment;
    BytePointer aligned = new BytePointer(base).position(offset).capacity(offset + bytes);
    return scope.own(new NativeBuffer(aligned, bytes), base::close);
  }

  /** The start of the buffer, as oneDNN takes it. */
  public Pointer pointer() {
    return aligned;
  }

  /** The start plus {@code offset} bytes. */
  public Pointer pointer(long offset) {
    if (offset < 0 || offset >= bytes) {
      throw new IndexOutOfBoundsException("offset " + offset + " in a buffer of " + bytes);
    }
    return new BytePointer(aligned).position(aligned.position() + offset);
  }

  /** The whole buffer as little-endian floats (a view, not a copy). */
  public FloatBuffer floats() {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalStateException("buffer of " + bytes + " bytes is too large for a view");
    }
    ByteBuffer view = new BytePointer(aligned).limit(aligned.position() + bytes).asByteBuffer();
    return view.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
  }
}
