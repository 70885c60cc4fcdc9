package dev.glimpse.core.index;

/**
 * Where a photo's matching words came from; each is a separate text field of the index ({@link
 * IndexSchema#wordField}), so a hit can say why it matched.
 */
public enum WordSource {
  /** The file name, split into words ({@link NameWords}). */
  FILENAME("filename", 1.5f),
  /** The names of the folders below the index root that hold the file. */
  FOLDER("folder", 0.7f),
  /** IPTC keywords, XMP {@code dc:subject}, EXIF {@code XPKeywords}. */
  KEYWORDS("keywords", 1.5f),
  /** EXIF image description and user comment, IPTC caption, XMP {@code dc:description}. */
  DESCRIPTION("description", 1.0f),
  /** XMP {@code dc:title}, IPTC object name and headline, EXIF {@code XPTitle}. */
  TITLE("title", 1.2f);

  private final String label;
  private final float boost;

  WordSource(String label, float boost) {
    this.label = label;
    this.boost = boost;
  }

  /** The name in responses: {@code "matched": ["vector", "filename", ...]}. */
  public String label() {
    return label;
  }

  /**
   * How much a match here counts against a match in another source: a file name or a keyword is
   * chosen for the photo, a folder name is shared by many.
   */
  public float boost() {
    return boost;
  }
}
