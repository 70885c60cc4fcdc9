package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

  @Test
  void heicIsRecognisedByItsFtypBox() {
    assertEquals(ImageFormat.HEIF, ImageFormat.detect(ftyp("heic", "mif1", "heic")));
  }

  @Test
  void heifWithOnlyACompatibleBrandIsRecognised() {
    assertEquals(ImageFormat.HEIF, ImageFormat.detect(ftyp("msf1", "msf1", "iso8")));
  }

  @Test
  void avifIsRecognisedEvenWithMif1Compatible() {
    assertEquals(ImageFormat.AVIF, ImageFormat.detect(ftyp("avif", "mif1", "avif", "miaf")));
  }

  @Test
  void canonCr3IsCameraRaw() {
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(ftyp("crx ", "crx ", "isom")));
  }

  @Test
  void mp4VideoIsUnknown() {
    assertEquals(ImageFormat.UNKNOWN, ImageFormat.detect(ftyp("isom", "isom", "mp41")));
  }

  @Test
  void canonCr2IsCameraRaw() {
    byte[] cr2 = tiff(ByteOrder.LITTLE_ENDIAN, "Canon", true);
    cr2[8] = 'C';
    cr2[9] = 'R';
    cr2[10] = 2;
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(cr2));
  }

  @Test
  void tiffFromACameraMakerWithSubIfdsIsCameraRaw() {
    byte[] nef = tiff(ByteOrder.BIG_ENDIAN, "NIKON CORPORATION", true);
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(nef));
  }

  @Test
  void tiffFromACameraWithoutSubIfdsIsAnOrdinaryTiff() {
    byte[] tiff = tiff(ByteOrder.LITTLE_ENDIAN, "NIKON", false);
    assertEquals(ImageFormat.TIFF, ImageFormat.detect(tiff));
  }

  @Test
  void olympusAndPanasonicMagicNumbersAreCameraRaw() {
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(ascii("IIRO\u0008\0\0\0")));
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(ascii("IIU\0\u0008\0\0\0")));
    assertEquals(ImageFormat.CAMERA_RAW, ImageFormat.detect(ascii("FUJIFILMCCD-RAW 0201")));
  }

  @Test
  void jpegXlCodestreamIsRecognised() {
    assertEquals(ImageFormat.JPEG_XL, ImageFormat.detect(new byte[] {(byte) 0xFF, 0x0A, 0, 0}));
  }

  @Test
  void writtenImagesAreRecognised() {
    var image = TestImages.halves(8, 8, Color.RED, Color.BLUE);
    assertEquals(ImageFormat.JPEG, ImageFormat.detect(TestImages.encode(image, "jpg")));
    assertEquals(ImageFormat.PNG, ImageFormat.detect(TestImages.encode(image, "png")));
    assertEquals(ImageFormat.GIF, ImageFormat.detect(TestImages.encode(image, "gif")));
    assertEquals(ImageFormat.BMP, ImageFormat.detect(TestImages.encode(image, "bmp")));
    assertEquals(ImageFormat.TIFF, ImageFormat.detect(TestImages.encode(image, "tiff")));
  }

  @Test
  void shortOrTextInputIsUnknown() {
    assertEquals(ImageFormat.UNKNOWN, ImageFormat.detect(new byte[] {(byte) 0xFF}));
    assertEquals(ImageFormat.UNKNOWN, ImageFormat.detect(ascii("hello, world")));
  }

  /** A minimal ISO-BMFF {@code ftyp} box followed by an empty {@code meta} box header. */
  static byte[] ftyp(String major, String... compatible) {
    int size = 16 + 4 * compatible.length;
    ByteBuffer b = ByteBuffer.allocate(size + 8);
    b.putInt(size).put(ascii("ftyp")).put(ascii(major)).putInt(0);
    for (String brand : compatible) {
      b.put(ascii(brand));
    }
    b.putInt(8).put(ascii("meta"));
    return b.array();
  }

  /** A TIFF header and an IFD0 with a Make tag and optionally a SubIFDs tag. */
  static byte[] tiff(ByteOrder order, String make, boolean subIfds) {
    byte[] makeBytes = (make + "\0").getBytes(StandardCharsets.ISO_8859_1);
    int entries = subIfds ? 2 : 1;
    int makeAt = 8 + 2 + entries * 12 + 4;
    ByteBuffer b = ByteBuffer.allocate(makeAt + makeBytes.length + 16).order(order);
    b.put(order == ByteOrder.LITTLE_ENDIAN ? ascii("II") : ascii("MM")).putShort((short) 42);
    b.putInt(8).putShort((short) entries);
    b.putShort((short) 0x010F).putShort((short) 2).putInt(makeBytes.length).putInt(makeAt);
    if (subIfds) {
      b.putShort((short) 0x014A).putShort((short) 4).putInt(1).putInt(makeAt + makeBytes.length);
    }
    b.putInt(0).put(makeBytes);
    return b.array();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
