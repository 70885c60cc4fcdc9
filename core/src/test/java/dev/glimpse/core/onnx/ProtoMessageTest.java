package dev.glimpse.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The wire format against bytes worked out by hand from the protobuf encoding rules. */
class ProtoMessageTest {
  private static byte[] bytes(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Test
  void varints_small_multi_byte_and_negative() {
    assertArrayEquals(bytes(0x08, 0x01), new ProtoMessage().varint(1, 1).toByteArray());
    // 300 = 0b1_0010_1100: low 7 bits 0x2C with the continuation bit, then 0x02.
    assertArrayEquals(bytes(0x08, 0xAC, 0x02), new ProtoMessage().varint(1, 300).toByteArray());
    // -1 as int64: ten bytes, nine 0xFF and a final 0x01.
    assertArrayEquals(
        bytes(0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
        new ProtoMessage().varint(3, -1).toByteArray());
    assertEquals(10, ProtoMessage.varintSize(-1));
  }

  @Test
  void strings_floats_and_nested_messages() {
    ProtoMessage inner = new ProtoMessage().string(2, "ab");
    byte[] out =
        new ProtoMessage()
            .float32(2, 1.0f)
            .message(7, inner)
            .rawFloats(9, new float[] {2.0f})
            .toByteArray();
    assertArrayEquals(
        bytes(
            0x15, 0x00, 0x00, 0x80, 0x3F, // field 2, fixed32, 1.0f little-endian
            0x3A, 0x04, 0x12, 0x02, 'a', 'b', // field 7, length 4: field 2 "ab"
            0x4A, 0x04, 0x00, 0x00, 0x00, 0x40), // field 9, 4 bytes: 2.0f little-endian
        out);
  }
}
