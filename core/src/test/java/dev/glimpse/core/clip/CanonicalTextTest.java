package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Edge cases of open_clip's canonicalize cleaning. Each expected string is what CPython 3.11 gave
 * for {@code html.unescape} / open_clip's {@code _clean_canonicalize} (ftfy as identity), written
 * down from a Python session, not from this code.
 */
class CanonicalTextTest {
  @Test
  void html_unescape_follows_python() {
    // html.unescape(...) in CPython 3.11
    assertEquals("&", HtmlUnescape.unescape("&amp;"));
    assertEquals("&", HtmlUnescape.unescape("&amp"));
    assertEquals("&foo", HtmlUnescape.unescape("&ampfoo"));
    assertEquals("¬it;", HtmlUnescape.unescape("&notit;"));
    assertEquals("∉", HtmlUnescape.unescape("&notin;"));
    assertEquals("&nosuch;", HtmlUnescape.unescape("&nosuch;"));
    assertEquals("€", HtmlUnescape.unescape("&#128;"));
    assertEquals("\ufffd", HtmlUnescape.unescape("&#0;"));
    assertEquals("\ufffd", HtmlUnescape.unescape("&#xD800;"));
    assertEquals("\ufffd", HtmlUnescape.unescape("&#99999999999;"));
    assertEquals("", HtmlUnescape.unescape("&#1;"));
    assertEquals("😀", HtmlUnescape.unescape("&#x1F600;"));
    assertEquals("A", HtmlUnescape.unescape("&#65"));
    assertEquals("&amp;", HtmlUnescape.unescape("&amp;amp;"));
  }

  @Test
  void canonicalize_follows_open_clip() {
    // open_clip _clean_canonicalize(...) with ftfy.fix_text = identity
    assertEquals("rock roll", CanonicalText.clean("rock &amp;amp; roll"));
    assertEquals("snake case words", CanonicalText.clean("snake_case__words"));
    assertEquals("«quoted» — dash", CanonicalText.clean("«Quoted» — dash!"));
    assertEquals("οδος", CanonicalText.clean("ΟΔΟΣ"));
    assertEquals("a b c", CanonicalText.clean("a\u00a0b\u3000c\u2007"));
    assertEquals("a\u200bb", CanonicalText.clean("A\u200bB"));
    assertEquals("", CanonicalText.clean("  ?!  "));
  }
}
