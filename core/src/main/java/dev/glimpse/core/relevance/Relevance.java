package dev.glimpse.core.relevance;

import java.util.Locale;

/** How a hit's score compares with what the query gives images that do not match it. */
public enum Relevance {
  /** Far above the background: not expected by chance anywhere in the searched images. */
  STRONG,
  /** Above the bulk of the scores, but a few images of the index would score as high by chance. */
  WEAK,
  /** Within the background: as good as any unrelated image. */
  BELOW;

  /** The lower-case name used in JSON and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
