package dev.glimpse.core.index;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes metadata into test JPEGs the way cameras and photo tools do, as APP segments right after
 * the SOI marker: EXIF (APP1 "Exif", a little-endian TIFF IFD0 with ImageDescription and XPKeywords
 * and an Exif sub-IFD with UserComment), IPTC (APP13 "Photoshop 3.0", an 8BIM 0x0404 resource of
 * IPTC-IIM datasets 2:25 keywords, 2:120 caption) and XMP (APP1 with the XMP namespace URI and an
 * RDF packet). Only for tests: no other segment is touched, and inputs must be small.
 */
public final class JpegMetadata {
  private JpegMetadata() {}

  /** The JPEG with an EXIF segment: ImageDescription, XPKeywords (";"-joined) and UserComment. */
  public static byte[] withExif(
      byte[] jpeg, String description, List<String> xpKeywords, String userComment) {
    // TIFF header (8) + IFD0 with 3 entries + sub-IFD with 1 entry, values after the IFDs.
    byte[] desc = (description + "\0").getBytes(StandardCharsets.US_ASCII);
    byte[] xp = (String.join(";", xpKeywords) + "\0").getBytes(StandardCharsets.UTF_16LE);
    byte[] comment =
        ByteBuffer.allocate(8 + userComment.length())
            .put("ASCII\0\0\0".getBytes(StandardCharsets.US_ASCII))
            .put(userComment.getBytes(StandardCharsets.US_ASCII))
            .array();
    int ifd0 = 8;
    int ifd0Size = 2 + 3 * 12 + 4;
    int sub = ifd0 + ifd0Size;
    int subSize = 2 + 12 + 4;
    int descAt = sub + subSize;
    int xpAt = descAt + desc.length;
    int commentAt = xpAt + xp.length;
    ByteBuffer tiff =
        ByteBuffer.allocate(commentAt + comment.length).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd0);
    tiff.putShort((short) 3); // entries sorted by tag, as TIFF requires
    entry(tiff, 0x010E, 2, desc.length, descAt); // ImageDescription, ASCII
    entry(tiff, 0x8769, 4, 1, sub); // ExifIFDPointer, LONG
    entry(tiff, 0x9C9E, 1, xp.length, xpAt); // XPKeywords, BYTE (UTF-16LE text)
    tiff.putInt(0); // no IFD1
    tiff.putShort((short) 1);
    entry(tiff, 0x9286, 7, comment.length, commentAt); // UserComment, UNDEFINED
    tiff.putInt(0);
    tiff.put(desc).put(xp).put(comment);
    return insert(jpeg, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff.array()));
  }

  /** The JPEG with an IPTC segment: keywords (2:25, one dataset each) and a caption (2:120). */
  public static byte[] withIptc(byte[] jpeg, List<String> keywords, String caption) {
    ByteArrayOutputStream iim = new ByteArrayOutputStream();
    for (String k : keywords) {
      dataset(iim, 25, k);
    }
    if (caption != null) {
      dataset(iim, 120, caption);
    }
    byte[] data = iim.toByteArray();
    ByteBuffer res = ByteBuffer.allocate(4 + 2 + 2 + 4 + data.length + (data.length % 2));
    res.put("8BIM".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0x0404);
    res.putShort((short) 0); // empty Pascal name, padded to even length
    res.putInt(data.length).put(data); // data padded to even length by the allocation
    return insert(
        jpeg, 0xED, concat("Photoshop 3.0\0".getBytes(StandardCharsets.US_ASCII), res.array()));
  }

  /** The JPEG with an XMP packet: dc:subject keywords, dc:title and dc:description. */
  public static byte[] withXmp(
      byte[] jpeg, List<String> subjects, String title, String description) {
    StringBuilder bag = new StringBuilder();
    for (String s : subjects) {
      bag.append("<rdf:li>").append(s).append("</rdf:li>");
    }
    String xml =
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF"
            + " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description"
            + " rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<dc:subject><rdf:Bag>"
            + bag
            + "</rdf:Bag></dc:subject>"
            + "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"
            + title
            + "</rdf:li></rdf:Alt></dc:title>"
            + "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
            + description
            + "</rdf:li></rdf:Alt></dc:description>"
            + "</rdf:Description></rdf:RDF></x:xmpmeta>";
    return insert(
        jpeg,
        0xE1,
        concat(
            "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.US_ASCII),
            xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int valueOffset) {
    b.putShort((short) tag).putShort((short) type).putInt(count).putInt(valueOffset);
  }

  private static void dataset(ByteArrayOutputStream out, int tag, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    out.write(0x1C);
    out.write(2); // record 2, application
    out.write(tag);
    out.write(v.length >> 8);
    out.write(v.length & 0xFF);
    out.writeBytes(v);
  }

  /** Inserts an APPn segment after SOI; the length field counts itself but not the marker. */
  private static byte[] insert(byte[] jpeg, int marker, byte[] payload) {
    if ((jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG");
    }
    if (payload.length + 2 > 0xFFFF) {
      throw new IllegalArgumentException("segment too long");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + payload.length + 4);
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(marker);
    out.write((payload.length + 2) >> 8);
    out.write((payload.length + 2) & 0xFF);
    out.writeBytes(payload);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
