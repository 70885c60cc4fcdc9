package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IndexMetadataReaderTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = IndexMetadataReaderTest.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /images/" + name);
      }
      return in.readAllBytes();
    }
  }

  @Test
  void canon_photo_gives_camera_date_and_size() throws IOException {
    ImageMetadata md = MetadataReader.read(resource("canon-powershot-s330.jpg"));
    assertEquals(Optional.of("Canon"), md.cameraMake());
    assertEquals(Optional.of("Canon PowerShot S330"), md.cameraModel());
    // DateTimeOriginal 2002:11:16 15:27:01 without OffsetTimeOriginal is read as UTC
    assertEquals(Optional.of(Instant.parse("2002-11-16T15:27:01Z")), md.takenAt());
    assertEquals(800, md.width());
    assertEquals(600, md.height());
    assertEquals("jpeg", md.format());
    assertEquals(Optional.empty(), md.gps());
  }

  @Test
  void fujifilm_photo_gives_gps_position() throws IOException {
    ImageMetadata md = MetadataReader.read(resource("fujifilm-finepixs2pro.jpg"));
    assertEquals(Optional.of("FUJIFILM"), md.cameraMake());
    assertEquals(Optional.of("FinePixS2Pro"), md.cameraModel());
    assertEquals(Optional.of(Instant.parse("2002-08-24T13:59:08Z")), md.takenAt());
    GeoPoint gps = md.gps().orElseThrow();
    // EXIF stores degrees, minutes, seconds as rationals; compare to 1e-6 degree
    assertEquals(48.857833, gps.latitude(), 1e-6);
    assertEquals(2.297, gps.longitude(), 1e-6);
    assertEquals(600, md.width());
    assertEquals(400, md.height());
  }

  @Test
  void photo_without_exif_gives_size_and_empty_exif_values() throws IOException {
    ImageMetadata md = MetadataReader.read(resource("people-grace-hopper-portrait.jpg"));
    assertEquals(512, md.width());
    assertEquals(600, md.height());
    assertEquals("jpeg", md.format());
    assertEquals(Optional.empty(), md.takenAt());
    assertEquals(Optional.empty(), md.cameraMake());
    assertEquals(Optional.empty(), md.cameraModel());
    assertEquals(Optional.empty(), md.gps());
  }

  @Test
  void garbage_gives_unknown_metadata_without_throwing() {
    assertEquals(
        ImageMetadata.UNKNOWN,
        MetadataReader.read("not an image at all".getBytes(StandardCharsets.UTF_8)));
    assertEquals(ImageMetadata.UNKNOWN, MetadataReader.read(new byte[0]));
  }

  @Test
  void truncated_jpeg_never_throws() throws IOException {
    byte[] full = resource("canon-powershot-s330.jpg");
    for (int length : new int[] {2, 20, 200, 2000}) {
      byte[] cut = java.util.Arrays.copyOf(full, length);
      ImageMetadata md = MetadataReader.read(cut);
      assertTrue(md.width() >= 0);
    }
  }
}
