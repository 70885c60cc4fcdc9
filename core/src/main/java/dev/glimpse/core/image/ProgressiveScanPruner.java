package dev.glimpse.core.image;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * Shortens a progressive JPEG for a decode at 1/8 scale by dropping the AC scans that such a decode
 * does not use, so that libjpeg never Huffman-decodes them.
 *
 * <p>At 1/8 scale libjpeg-turbo picks, per component, the smallest inverse DCT that avoids
 * upsampling where it can: the luma component (and any component sampled as densely as the densest
 * one in a direction, e.g. the chroma of a 4:2:2 or 4:4:4 file) gets the 1x1 IDCT, which reads only
 * the DC coefficient; the chroma of a 4:2:0 file gets the 2x2 IDCT, which reads AC coefficients
 * too. The AC scans of the 1x1 components are therefore dropped; every other scan is kept as it is.
 *
 * <p>Dropping them alone would change the result: libjpeg smooths the blocks of a component whose
 * AC coefficients it never received (it estimates them, and even adjusts the DC, from the
 * neighbouring blocks). So each dropped component gets one synthetic AC scan at the end, an end of
 * band run over all its blocks under a Huffman table defined for it: its AC coefficients are then
 * known to be zero, libjpeg does not smooth, and the 1x1 IDCT sees the same DC as in the full
 * decode. The pixels are the same as decoding the whole file at 1/8 scale (verified on real
 * progressive photos by the tests).
 *
 * <p>Anything unexpected (not progressive, a precision other than 8 bits, a DNL marker, a missing
 * end of image) gives an empty result and the caller decodes the original bytes.
 */
final class ProgressiveScanPruner {

  private static final int SOF2 = 0xC2;
  private static final int DHT = 0xC4;
  private static final int SOS = 0xDA;
  private static final int EOI = 0xD9;
  private static final int DRI = 0xDD;
  private static final int DNL = 0xDC;

  /** The longest end-of-band run one EOB14 symbol codes: 2^14 + 14 extra bits of ones. */
  private static final int MAX_EOB_RUN = (1 << 15) - 1;

  private ProgressiveScanPruner() {}

  /** One component of the frame header. */
  private record Component(int id, int h, int v) {}

  /** The frame header: size and components. */
  private record Frame(int width, int height, Component[] components) {
    int maxH() {
      int max = 1;
      for (Component c : components) {
        max = Math.max(max, c.h());
      }
      return max;
    }

    int maxV() {
      int max = 1;
      for (Component c : components) {
        max = Math.max(max, c.v());
      }
      return max;
    }

    /**
     * Whether libjpeg-turbo decodes this component with the 1x1 IDCT at 1/8 scale: it doubles a
     * component's IDCT size while the sampling ratio to the densest component is a multiple of
     * twice that size in both directions (jdmaster.c), so only a component whose ratio is odd in
     * some direction stays at 1x1.
     */
    boolean dcOnlyAtEighth(Component c) {
      return maxH() % (2 * c.h()) != 0 || maxV() % (2 * c.v()) != 0;
    }

    /** Blocks in a non-interleaved scan of the component (libjpeg's width_in_blocks x height). */
    int blocks(Component c) {
      long w = ceilDiv((long) width * c.h(), 8L * maxH());
      long h = ceilDiv((long) height * c.v(), 8L * maxV());
      return Math.toIntExact(w * h);
    }
  }

  /**
   * Returns the progressive JPEG without the AC scans of its 1x1-IDCT components, or empty when the
   * file is not progressive, has nothing to drop, or has a structure this class does not handle.
   *
   * @param jpeg a complete JPEG file
   * @return the shorter stream, which decodes at 1/8 scale to the same pixels as {@code jpeg}
   */
  static Optional<byte[]> forEighthScale(byte[] jpeg) {
    try {
      return prune(jpeg);
    } catch (ArrayIndexOutOfBoundsException | ArithmeticException e) {
      return Optional.empty(); // malformed lengths: let libjpeg report on the original bytes
    }
  }

  private static Optional<byte[]> prune(byte[] jpeg) {
    if (jpeg.length < 4 || u8(jpeg, 0) != 0xFF || u8(jpeg, 1) != 0xD8) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length / 4);
    out.write(jpeg, 0, 2);
    Frame frame = null;
    boolean[] dropped = null;
    int pos = 2;
    while (true) {
      if (u8(jpeg, pos) != 0xFF) {
        return Optional.empty();
      }
      while (u8(jpeg, pos) == 0xFF) {
        pos++; // fill bytes before a marker
      }
      int marker = u8(jpeg, pos++);
      if (marker == EOI) {
        break;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8) || marker == DNL) {
        return Optional.empty();
      }
      int start = pos - 2;
      int end = pos + u16(jpeg, pos);
      if (end > jpeg.length) {
        return Optional.empty();
      }
      if (isFrame(marker)) {
        if (marker != SOF2 || frame != null) {
          return Optional.empty();
        }
        frame = frame(jpeg, pos);
        if (frame == null) {
          return Optional.empty();
        }
        dropped = new boolean[frame.components().length];
        out.write(jpeg, start, end - start);
        pos = end;
      } else if (marker == SOS) {
        if (frame == null) {
          return Optional.empty();
        }
        int dataEnd = entropyDataEnd(jpeg, end);
        int count = u8(jpeg, pos + 2);
        int ss = u8(jpeg, pos + 3 + 2 * count);
        int index = count == 1 ? componentIndex(frame, u8(jpeg, pos + 3)) : -1;
        if (ss > 0 && index >= 0 && frame.dcOnlyAtEighth(frame.components()[index])) {
          dropped[index] = true;
        } else {
          out.write(jpeg, start, dataEnd - start);
        }
        pos = dataEnd;
      } else {
        out.write(jpeg, start, end - start);
        pos = end;
      }
    }
    if (frame == null || !anyTrue(dropped)) {
      return Optional.empty();
    }
    appendEndOfBandScans(out, frame, dropped);
    out.write(0xFF);
    out.write(EOI);
    return Optional.of(out.toByteArray());
  }

  private static boolean isFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != DHT && marker != 0xC8 && marker != 0xCC;
  }

  /** Parses a frame header after its marker, or null if it is not 8-bit or has no components. */
  private static Frame frame(byte[] jpeg, int pos) {
    int precision = u8(jpeg, pos + 2);
    int height = u16(jpeg, pos + 3);
    int width = u16(jpeg, pos + 5);
    int count = u8(jpeg, pos + 7);
    if (precision != 8 || height == 0 || width == 0 || count == 0) {
      return null;
    }
    Component[] components = new Component[count];
    for (int i = 0; i < count; i++) {
      int p = pos + 8 + 3 * i;
      int sampling = u8(jpeg, p + 1);
      int h = sampling >> 4;
      int v = sampling & 15;
      if (h < 1 || h > 4 || v < 1 || v > 4) {
        return null;
      }
      components[i] = new Component(u8(jpeg, p), h, v);
    }
    return new Frame(width, height, components);
  }

  private static int componentIndex(Frame frame, int id) {
    for (int i = 0; i < frame.components().length; i++) {
      if (frame.components()[i].id() == id) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Returns where a scan's entropy-coded data ends: at the next marker, i.e. an {@code FF} that is
   * followed by neither a stuffed {@code 00} nor a restart marker.
   */
  private static int entropyDataEnd(byte[] jpeg, int pos) {
    int last = jpeg.length - 1;
    for (int i = pos; i < last; i++) {
      if (jpeg[i] == (byte) 0xFF) {
        int next = u8(jpeg, i + 1);
        if (next != 0 && (next < 0xD0 || next > 0xD7)) {
          return i;
        }
        i++;
      }
    }
    throw new ArrayIndexOutOfBoundsException("no marker after the entropy-coded data");
  }

  /**
   * Appends, for each dropped component, a scan of its AC band (1 to 63, no successive
   * approximation) that codes every block as an end of band: restarts off, then a Huffman table
   * with the 15 EOBn symbols, then the scans.
   */
  private static void appendEndOfBandScans(
      ByteArrayOutputStream out, Frame frame, boolean[] dropped) {
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) DRI, 0, 4, 0, 0});
    // AC table 0: the symbols r << 4 (EOBr, r = 0..14) with 4-bit codes r, in that order.
    byte[] dht = new byte[2 + 2 + 1 + 16 + 15];
    dht[0] = (byte) 0xFF;
    dht[1] = (byte) DHT;
    dht[3] = (byte) (dht.length - 2);
    dht[4] = 0x10; // class 1 (AC), table 0
    dht[5 + 3] = 15; // 15 codes of length 4
    for (int r = 0; r < 15; r++) {
      dht[21 + r] = (byte) (r << 4);
    }
    out.writeBytes(dht);
    for (int i = 0; i < dropped.length; i++) {
      if (dropped[i]) {
        Component c = frame.components()[i];
        out.writeBytes(
            new byte[] {(byte) 0xFF, (byte) SOS, 0, 8, 1, (byte) c.id(), 0x00, 1, 63, 0});
        out.writeBytes(endOfBandRuns(frame.blocks(c)));
      }
    }
  }

  /** Entropy-coded EOB runs covering exactly {@code blocks} blocks, padded and byte-stuffed. */
  static byte[] endOfBandRuns(int blocks) {
    BitWriter bits = new BitWriter();
    int left = blocks;
    while (left >= MAX_EOB_RUN) {
      bits.write(14, 4); // EOB14
      bits.write((1 << 14) - 1, 14); // run 2^14 + 16383
      left -= MAX_EOB_RUN;
    }
    for (int r = 14; r >= 0; r--) {
      if ((left & (1 << r)) != 0) {
        bits.write(r, 4); // EOBr with all extra bits 0: a run of exactly 2^r
        bits.write(0, r);
      }
    }
    return bits.finish();
  }

  /** Writes bits most significant first, stuffs a 00 after each FF and pads with ones. */
  private static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int buffer;
    private int count;

    void write(int value, int length) {
      for (int i = length - 1; i >= 0; i--) {
        buffer = (buffer << 1) | ((value >>> i) & 1);
        if (++count == 8) {
          emit();
        }
      }
    }

    private void emit() {
      out.write(buffer);
      if (buffer == 0xFF) {
        out.write(0);
      }
      buffer = 0;
      count = 0;
    }

    byte[] finish() {
      while (count != 0) {
        write(1, 1);
      }
      return out.toByteArray();
    }
  }

  private static boolean anyTrue(boolean[] flags) {
    for (boolean f : flags) {
      if (f) {
        return true;
      }
    }
    return false;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  private static int u16(byte[] b, int i) {
    return (u8(b, i) << 8) | u8(b, i + 1);
  }
}
