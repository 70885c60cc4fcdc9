package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhotoWordsTest {
  private static byte[] sample() throws Exception {
    return Files.readAllBytes(
        Path.of("..", "samples", "photos", "plant-flower.jpg").toAbsolutePath().normalize());
  }

  @Test
  void exif_description_user_comment_and_xp_keywords_are_read() throws Exception {
    byte[] jpeg =
        JpegMetadata.withExif(sample(), "birthday cake", List.of("party", "candles"), "for Anna");
    PhotoWords w = MetadataReader.read(jpeg).words().orElseThrow();
    assertEquals(List.of("party", "candles"), w.keywords());
    assertTrue(w.descriptions().containsAll(List.of("birthday cake", "for Anna")), w.toString());
  }

  @Test
  void iptc_keywords_and_caption_are_read() throws Exception {
    byte[] jpeg = JpegMetadata.withIptc(sample(), List.of("kayak", "lake"), "paddling at noon");
    PhotoWords w = MetadataReader.read(jpeg).words().orElseThrow();
    assertEquals(List.of("kayak", "lake"), w.keywords());
    assertEquals(List.of("paddling at noon"), w.descriptions());
  }

  @Test
  void xmp_subject_title_and_description_are_read() throws Exception {
    byte[] jpeg =
        JpegMetadata.withXmp(sample(), List.of("glacier", "ice"), "Vatnajökull", "blue ice cave");
    PhotoWords w = MetadataReader.read(jpeg).words().orElseThrow();
    assertEquals(List.of("glacier", "ice"), w.keywords());
    assertEquals(List.of("Vatnajökull"), w.titles());
    assertEquals(List.of("blue ice cave"), w.descriptions());
  }

  @Test
  void a_photo_without_text_metadata_has_no_words_but_they_were_read() throws Exception {
    assertEquals(PhotoWords.NONE, MetadataReader.read(sample()).words().orElseThrow());
  }

  @Test
  void names_split_on_separators_and_camel_case_but_keep_letters_with_digits() {
    assertEquals(
        List.of("old", "lighthouse", "at", "dusk"),
        NameWords.ofFileName("old-lighthouse_at.dusk.jpg"));
    assertEquals(
        List.of("Old", "Lighthouse", "HTML", "Page"), NameWords.split("OldLighthouseHTMLPage"));
    assertEquals(List.of("IMG", "1234", "x4k"), NameWords.ofFileName("IMG_1234 x4k.JPG"));
  }
}
