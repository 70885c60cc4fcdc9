package dev.glimpse.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.image.ImageDecodeException.Reason;
import dev.glimpse.core.testing.DenyingFileSystem;
import java.awt.Color;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every failure is an {@link ImageDecodeException} with the reason the indexer counts. */
class ImageDecoderFailureTest {

  @TempDir Path dir;

  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void zeroBytesIsEmpty() throws IOException {
    Path file = Files.write(dir.resolve("empty.jpg"), new byte[0]);
    assertReason(Reason.EMPTY, () -> decoder.decode(file));
    assertReason(Reason.EMPTY, () -> decoder.decodeDownscaled(file, 224));
  }

  @Test
  void truncatedJpegIsTruncatedOnBothPaths() {
    byte[] jpeg = TestImages.encode(TestImages.halves(256, 256, Color.RED, Color.BLUE), "jpg");
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
    assertReason(Reason.TRUNCATED, () -> decoder.decode(cut, "cut.jpg"));
    assertReason(Reason.TRUNCATED, () -> decoder.decodeDownscaled(cut, "cut.jpg", 16));
  }

  @Test
  void truncatedPngIsTruncated() {
    byte[] png = TestImages.encode(TestImages.halves(256, 256, Color.RED, Color.BLUE), "png");
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    assertReason(Reason.TRUNCATED, () -> decoder.decode(cut, "cut.png"));
  }

  @Test
  void textIsNotAnImage() {
    byte[] text = "just some text\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertReason(Reason.NOT_AN_IMAGE, () -> decoder.decode(text, "notes.jpg"));
    assertReason(Reason.NOT_AN_IMAGE, () -> decoder.decodeDownscaled(text, "notes.jpg", 224));
  }

  @Test
  void jpegMarkerFollowedByGarbageIsCorrupt() {
    byte[] bytes = new byte[200];
    Arrays.fill(bytes, (byte) 0x5A);
    bytes[0] = (byte) 0xFF;
    bytes[1] = (byte) 0xD8;
    bytes[2] = (byte) 0xFF;
    assertReason(Reason.CORRUPT, () -> decoder.decode(bytes, "garbage.jpg"));
    assertReason(Reason.CORRUPT, () -> decoder.decodeDownscaled(bytes, "garbage.jpg", 224));
  }

  @Test
  void heicIsUnsupported() {
    byte[] heic = ImageFormatTest.ftyp("heic", "mif1", "heic");
    ImageDecodeException e =
        assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(heic, "IMG_0001.HEIC"));
    assertTrue(e.getMessage().contains("HEIF"), e.getMessage());
    assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decodeDownscaled(heic, "x.jpg", 224));
  }

  @Test
  void cameraRawIsUnsupported() {
    byte[] nef = ImageFormatTest.tiff(ByteOrder.BIG_ENDIAN, "NIKON CORPORATION", true);
    assertReason(Reason.UNSUPPORTED_FORMAT, () -> decoder.decode(nef, "DSC_0001.NEF"));
  }

  @Test
  void pngBombIsRefusedFromTheHeaderOnBothPaths() {
    byte[] png = TestImages.pngHeaderOnly(100_000, 100_000);
    assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decode(png, "bomb.png"));
    assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decodeDownscaled(png, "bomb.png", 224));
  }

  @Test
  void jpegOverThePixelLimitIsRefusedOnTheNativePath() {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 48, Color.RED, Color.BLUE), "jpg");
    ImageDecoder small = new ImageDecoder(1000, true);
    assertReason(Reason.TOO_MANY_PIXELS, () -> small.decodeDownscaled(jpeg, "big.jpg", 8));
    assertReason(Reason.TOO_MANY_PIXELS, () -> small.decode(jpeg, "big.jpg"));
  }

  @Test
  void jpegClaimingHugeDimensionsIsRefusedWithoutRunningOutOfMemory() {
    byte[] jpeg = TestImages.encode(TestImages.halves(64, 48, Color.RED, Color.BLUE), "jpg");
    byte[] bomb = withSofSize(jpeg, 65_000, 65_000);
    assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decode(bomb, "bomb.jpg"));
    assertReason(Reason.TOO_MANY_PIXELS, () -> decoder.decodeDownscaled(bomb, "bomb.jpg", 224));
  }

  @Test
  void missingFileHasVanished() {
    Path file = dir.resolve("deleted-since-listing.jpg");
    assertReason(Reason.VANISHED, () -> decoder.decode(file));
    assertReason(Reason.VANISHED, () -> decoder.decodeDownscaled(file, 224));
  }

  @Test
  void directoryIsUnreadable() {
    assertReason(Reason.UNREADABLE, () -> decoder.decode(dir));
  }

  @Test
  void fileWithoutReadPermissionIsUnreadable() throws IOException {
    byte[] png = TestImages.encode(TestImages.halves(8, 8, Color.RED, Color.BLUE), "png");
    Path file = Files.write(dir.resolve("secret.png"), png).toAbsolutePath();
    // Root reads any file whatever its permissions (CI runs as root): the read is refused by a
    // file system that denies it, as it is for a user without read permission.
    Path denied = DenyingFileSystem.denying(file).wrap(file);
    assertFalse(Files.isReadable(denied));
    ImageDecodeException e = assertReason(Reason.UNREADABLE, () -> decoder.decode(denied));
    assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
    assertReason(Reason.UNREADABLE, () -> decoder.decodeDownscaled(denied, 224));
  }

  @Test
  void oldConstructorsDefaultToCorrupt() {
    assertEquals(Reason.CORRUPT, new ImageDecodeException("x").reason());
    assertEquals(Reason.CORRUPT, new ImageDecodeException("x", new IOException()).reason());
  }

  private static ImageDecodeException assertReason(Reason reason, Executable decode) {
    ImageDecodeException e = assertThrows(ImageDecodeException.class, decode);
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  /** Rewrites the dimensions in a baseline JPEG's SOF0 segment. */
  static byte[] withSofSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    for (int i = 2; i + 8 < out.length; i++) {
      if ((out[i] & 0xFF) == 0xFF && (out[i + 1] & 0xFF) == 0xC0) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
    }
    throw new IllegalArgumentException("no SOF0 marker");
  }
}
