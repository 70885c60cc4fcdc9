package dev.glimpse.core.index;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The words a photo's file carries inside it, by kind, as read from EXIF, IPTC and XMP ({@link
 * MetadataReader}). The file and folder names are not here: the index derives their words from the
 * path ({@link NameWords}).
 *
 * @param keywords IPTC keywords, XMP {@code dc:subject}, EXIF {@code XPKeywords}
 * @param descriptions EXIF {@code ImageDescription}, {@code UserComment} and {@code XPComment},
 *     IPTC caption, XMP {@code dc:description}
 * @param titles XMP {@code dc:title}, IPTC object name and headline, EXIF {@code XPTitle}
 */
public record PhotoWords(List<String> keywords, List<String> descriptions, List<String> titles) {

  /** A photo without words. */
  public static final PhotoWords NONE = new PhotoWords(List.of(), List.of(), List.of());

  /** Copies the lists, trimming each value and dropping blanks and repeats. */
  public PhotoWords {
    keywords = clean(keywords, "keywords");
    descriptions = clean(descriptions, "descriptions");
    titles = clean(titles, "titles");
  }

  /** Whether the photo carries no words at all. */
  public boolean isEmpty() {
    return keywords.isEmpty() && descriptions.isEmpty() && titles.isEmpty();
  }

  private static List<String> clean(List<String> values, String what) {
    Objects.requireNonNull(values, what);
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String v : values) {
      String t = Objects.requireNonNull(v, what + " value").replace('\0', ' ').strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return List.copyOf(new ArrayList<>(out));
  }
}
