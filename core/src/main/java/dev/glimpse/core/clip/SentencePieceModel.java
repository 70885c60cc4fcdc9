package dev.glimpse.core.clip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code .model} file ({@code sentencepiece_model.proto}'s {@code
 * ModelProto}) that tokenizing needs: the pieces with their scores and types, the model type, and
 * the normalizer settings. Read with a minimal protobuf wire-format reader, as the file is a single
 * message.
 *
 * @param pieces every piece, in id order
 * @param type the segmentation algorithm ({@code TrainerSpec.model_type})
 * @param byteFallback whether unknown characters become {@code <0xXX>} byte pieces
 * @param unkId the id of the unknown piece
 * @param precompiledCharsmap the normalization rules compiled by the trainer (empty: none)
 * @param addDummyPrefix whether a {@code ▁} is put before the text
 * @param removeExtraWhitespaces whether outer whitespace is dropped and inner runs collapsed
 */
record SentencePieceModel(
    List<Piece> pieces,
    ModelType type,
    boolean byteFallback,
    int unkId,
    byte[] precompiledCharsmap,
    boolean addDummyPrefix,
    boolean removeExtraWhitespaces) {

  /** {@code ModelProto.SentencePiece.Type}. */
  enum PieceType {
    NORMAL,
    UNKNOWN,
    CONTROL,
    USER_DEFINED,
    UNUSED,
    BYTE;

    static PieceType of(long value) {
      return switch ((int) value) {
        case 1 -> NORMAL;
        case 2 -> UNKNOWN;
        case 3 -> CONTROL;
        case 4 -> USER_DEFINED;
        case 5 -> UNUSED;
        case 6 -> BYTE;
        default -> throw new IllegalArgumentException("unknown SentencePiece piece type " + value);
      };
    }
  }

  /** {@code TrainerSpec.ModelType}. */
  enum ModelType {
    UNIGRAM,
    BPE,
    WORD,
    CHAR
  }

  /** One vocabulary entry. */
  record Piece(String piece, float score, PieceType type) {}

  /** Reads a {@code .model} file. */
  static SentencePieceModel read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  static SentencePieceModel parse(byte[] bytes, String name) throws IOException {
    List<Piece> pieces = new ArrayList<>();
    // proto2 defaults (sentencepiece_model.proto)
    ModelType type = ModelType.UNIGRAM;
    boolean byteFallback = false;
    int unkId = 0;
    byte[] charsmap = new byte[0];
    boolean dummyPrefix = true;
    boolean removeSpaces = true;
    Wire top = new Wire(bytes, 0, bytes.length, name);
    while (top.more()) {
      int tag = top.tag();
      switch (tag) {
        case (1 << 3) | 2 -> pieces.add(piece(top.message()));
        case (2 << 3) | 2 -> {
          Wire trainer = top.message();
          while (trainer.more()) {
            int t = trainer.tag();
            switch (t) {
              case (3 << 3) -> type = modelType(trainer.varint(), name);
              case (35 << 3) -> byteFallback = trainer.varint() != 0;
              case (40 << 3) -> unkId = (int) trainer.varint();
              default -> trainer.skip(t);
            }
          }
        }
        case (3 << 3) | 2 -> {
          Wire normalizer = top.message();
          while (normalizer.more()) {
            int t = normalizer.tag();
            switch (t) {
              case (2 << 3) | 2 -> charsmap = normalizer.bytes();
              case (3 << 3) -> dummyPrefix = normalizer.varint() != 0;
              case (4 << 3) -> removeSpaces = normalizer.varint() != 0;
              default -> normalizer.skip(t);
            }
          }
        }
        default -> top.skip(tag);
      }
    }
    if (pieces.isEmpty()) {
      throw new IOException(name + " is not a SentencePiece model: it has no pieces");
    }
    if (unkId < 0 || unkId >= pieces.size()) {
      throw new IOException(name + ": unk id " + unkId + " is outside the vocabulary");
    }
    return new SentencePieceModel(
        List.copyOf(pieces), type, byteFallback, unkId, charsmap, dummyPrefix, removeSpaces);
  }

  private static Piece piece(Wire w) throws IOException {
    String text = "";
    float score = 0f;
    PieceType type = PieceType.NORMAL;
    while (w.more()) {
      int t = w.tag();
      switch (t) {
        case (1 << 3) | 2 -> text = new String(w.bytes(), StandardCharsets.UTF_8);
        case (2 << 3) | 5 -> score = Float.intBitsToFloat(w.fixed32());
        case (3 << 3) -> type = PieceType.of(w.varint());
        default -> w.skip(t);
      }
    }
    return new Piece(text, score, type);
  }

  private static ModelType modelType(long value, String name) throws IOException {
    return switch ((int) value) {
      case 1 -> ModelType.UNIGRAM;
      case 2 -> ModelType.BPE;
      case 3 -> ModelType.WORD;
      case 4 -> ModelType.CHAR;
      default -> throw new IOException(name + ": unknown SentencePiece model type " + value);
    };
  }

  /** A cursor over one protobuf message. */
  private static final class Wire {
    private final byte[] b;
    private int pos;
    private final int end;
    private final String name;

    Wire(byte[] b, int pos, int end, String name) {
      this.b = b;
      this.pos = pos;
      this.end = end;
      this.name = name;
    }

    boolean more() {
      return pos < end;
    }

    int tag() throws IOException {
      return (int) varint();
    }

    long varint() throws IOException {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw truncated();
        }
        byte x = b[pos++];
        result |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return result;
        }
      }
      throw new IOException(name + ": malformed varint at byte " + pos);
    }

    int fixed32() throws IOException {
      if (end - pos < 4) {
        throw truncated();
      }
      int v =
          (b[pos] & 0xff)
              | (b[pos + 1] & 0xff) << 8
              | (b[pos + 2] & 0xff) << 16
              | (b[pos + 3] & 0xff) << 24;
      pos += 4;
      return v;
    }

    private int length() throws IOException {
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw truncated();
      }
      return (int) n;
    }

    byte[] bytes() throws IOException {
      int n = length();
      byte[] out = new byte[n];
      System.arraycopy(b, pos, out, 0, n);
      pos += n;
      return out;
    }

    Wire message() throws IOException {
      int n = length();
      Wire inner = new Wire(b, pos, pos + n, name);
      pos += n;
      return inner;
    }

    void skip(int tag) throws IOException {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new IOException(name + ": unsupported protobuf wire type " + (tag & 7));
      }
    }

    private void advance(int n) throws IOException {
      if (end - pos < n) {
        throw truncated();
      }
      pos += n;
    }

    private IOException truncated() {
      return new IOException(name + " is truncated or not a SentencePiece model");
    }
  }
}
