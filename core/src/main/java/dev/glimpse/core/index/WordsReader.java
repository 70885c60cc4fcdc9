package dev.glimpse.core.index;

import com.adobe.internal.xmp.XMPConst;
import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.adobe.internal.xmp.properties.XMPProperty;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.TagDescriptor;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Descriptor;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDescriptor;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the words a photo carries from metadata-extractor's parse of its file: keywords,
 * descriptions and titles from EXIF, IPTC and XMP ({@link PhotoWords} lists which tag goes where).
 * Never fails: a malformed value is skipped.
 */
final class WordsReader {
  /** Cameras fill ImageDescription with these when the user wrote nothing. */
  private static final List<String> CAMERA_PLACEHOLDERS =
      List.of(
          "olympus digital camera", "default", "sony dsc", "digital camera", "exif_jpeg_picture");

  private WordsReader() {}

  static PhotoWords read(Metadata metadata) {
    List<String> keywords = new ArrayList<>();
    List<String> descriptions = new ArrayList<>();
    List<String> titles = new ArrayList<>();

    for (ExifIFD0Directory ifd0 : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
      ExifIFD0Descriptor d = new ExifIFD0Descriptor(ifd0);
      description(ifd0, d, ExifDirectoryBase.TAG_IMAGE_DESCRIPTION, descriptions);
      description(ifd0, d, ExifDirectoryBase.TAG_WIN_COMMENT, descriptions);
      description(ifd0, d, ExifDirectoryBase.TAG_WIN_TITLE, titles);
      // XPKeywords is one UTF-16 string, keywords separated by semicolons (Windows Explorer)
      List<String> xp = new ArrayList<>();
      description(ifd0, d, ExifDirectoryBase.TAG_WIN_KEYWORDS, xp);
      for (String list : xp) {
        keywords.addAll(List.of(list.split(";")));
      }
    }
    for (ExifSubIFDDirectory sub : metadata.getDirectoriesOfType(ExifSubIFDDirectory.class)) {
      // the descriptor decodes UserComment's 8-byte character code prefix (ASCII, UNICODE, JIS)
      description(
          sub, new ExifSubIFDDescriptor(sub), ExifDirectoryBase.TAG_USER_COMMENT, descriptions);
    }
    for (IptcDirectory iptc : metadata.getDirectoriesOfType(IptcDirectory.class)) {
      List<String> k = iptc.getKeywords();
      if (k != null) {
        keywords.addAll(k);
      }
      string(iptc, IptcDirectory.TAG_CAPTION, descriptions);
      string(iptc, IptcDirectory.TAG_OBJECT_NAME, titles);
      string(iptc, IptcDirectory.TAG_HEADLINE, titles);
    }
    for (XmpDirectory xmp : metadata.getDirectoriesOfType(XmpDirectory.class)) {
      XMPMeta meta = xmp.getXMPMeta();
      if (meta != null) {
        xmpArray(meta, "subject", keywords);
        xmpText(meta, "description", descriptions);
        xmpText(meta, "title", titles);
      }
    }
    descriptions.removeIf(
        s -> CAMERA_PLACEHOLDERS.contains(s.strip().toLowerCase(java.util.Locale.ROOT)));
    return new PhotoWords(keywords, descriptions, titles);
  }

  private static void description(
      Directory dir, TagDescriptor<?> descriptor, int tag, List<String> out) {
    if (!dir.containsTag(tag)) {
      return;
    }
    try {
      String s = descriptor.getDescription(tag);
      if (s != null) {
        out.add(s);
      }
    } catch (RuntimeException e) {
      // a malformed value: the photo has no words from this tag
    }
  }

  private static void string(Directory dir, int tag, List<String> out) {
    String s = dir.getString(tag);
    if (s != null) {
      out.add(s);
    }
  }

  private static void xmpArray(XMPMeta meta, String property, List<String> out) {
    try {
      int n = meta.countArrayItems(XMPConst.NS_DC, property);
      for (int i = 1; i <= n; i++) {
        XMPProperty item = meta.getArrayItem(XMPConst.NS_DC, property, i);
        if (item != null && item.getValue() != null) {
          out.add(item.getValue());
        }
      }
    } catch (XMPException | RuntimeException e) {
      // not an array, or malformed: no words from it
    }
  }

  private static void xmpText(XMPMeta meta, String property, List<String> out) {
    try {
      XMPProperty text = meta.getLocalizedText(XMPConst.NS_DC, property, null, XMPConst.X_DEFAULT);
      if (text != null && text.getValue() != null) {
        out.add(text.getValue());
      }
    } catch (XMPException | RuntimeException e) {
      // not a language alternative, or malformed: no words from it
    }
  }
}
