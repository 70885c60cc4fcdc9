package dev.glimpse.core.index;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LatLonDocValuesField;
import org.apache.lucene.document.LatLonPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

/**
 * The layout of a Glimpse index: field names, how each field is indexed, the vector similarity and
 * the codec. The only place that spells a field name.
 *
 * <p>One document per image file, keyed by {@link #PATH}. Paths are stored as keys relative to the
 * index's roots ({@code r1/2019/cat.jpg}, see {@link Roots}); an index written by schema 1 stores
 * absolute paths instead. The store translates keys to absolute paths and back, so nothing outside
 * it sees a key. The vector field uses {@link VectorSimilarityFunction#DOT_PRODUCT}, which requires
 * L2-normalised vectors and then equals the cosine; Lucene scores a hit {@code (1 + dot) / 2},
 * which {@link #cosine(float)} maps back.
 *
 * <p>{@link #FOLDER_TREE} indexes the file's folder key and every ancestor of it up to its root
 * ({@code r1}, {@code r1/2019}), so one term query on a folder matches every image below it.
 */
public final class IndexSchema {
  /** The image embedding, a {@link KnnFloatVectorField}. */
  public static final String VECTOR = "vector";

  /** Opaque id derived from the path key ({@link ImageRecord#idFor}); stored, indexed. */
  public static final String ID = "id";

  /**
   * The path key, root id and relative path ({@code r1/2019/cat.jpg}; schema 1: the absolute path),
   * the unique key; stored, indexed, sorted doc values.
   */
  public static final String PATH = "path";

  /** Key of the parent folder ({@code r1/2019}); stored, sorted doc values. */
  public static final String FOLDER = "folder";

  /** The parent folder's key and all its ancestors', one indexed term each; not stored. */
  public static final String FOLDER_TREE = "folder_tree";

  /** File size in bytes; stored, numeric doc values. */
  public static final String SIZE = "size";

  /** Last-modified time, epoch millis; stored, numeric doc values. */
  public static final String MTIME = "mtime";

  /** Content hash hex ({@link ContentHash}); stored, indexed, sorted doc values. */
  public static final String HASH = "hash";

  /** Displayed width in pixels; stored, numeric doc values. */
  public static final String WIDTH = "width";

  /** Displayed height in pixels; stored, numeric doc values. */
  public static final String HEIGHT = "height";

  /** Container format, lower case; stored, indexed, sorted doc values. */
  public static final String FORMAT = "format";

  /** EXIF capture time, epoch millis; stored, point-indexed, numeric doc values. */
  public static final String TAKEN_AT = "taken_at";

  /** EXIF camera make; stored, indexed. */
  public static final String CAMERA_MAKE = "camera_make";

  /** EXIF camera model; stored, indexed. */
  public static final String CAMERA_MODEL = "camera_model";

  /** GPS latitude, degrees; stored, point-indexed. */
  public static final String GPS_LAT = "gps_lat";

  /** GPS longitude, degrees; stored, point-indexed. */
  public static final String GPS_LON = "gps_lon";

  /** EXIF lens model; stored (absent in indexes written before it was read). */
  public static final String LENS = "lens";

  /** EXIF orientation 1 to 8; stored (absent in indexes written before it was recorded). */
  public static final String EXIF_ORIENTATION = "exif_orientation";

  /**
   * Camera match keys, one indexed term each: the folded make, model, and "make model" ({@link
   * MetadataQueries#fold}); not stored. Absent in older indexes, which the camera filter matches by
   * their exact {@link #CAMERA_MAKE} and {@link #CAMERA_MODEL} terms instead.
   */
  public static final String CAMERA_KEY = "camera_key";

  /** The folded lens model, an indexed term; not stored. */
  public static final String LENS_KEY = "lens_key";

  /** {@link Orientation#key()} of the displayed size, an indexed term; not stored. */
  public static final String ORIENTATION = "orientation";

  /**
   * The GPS position as a {@code LatLonPoint} (distance and box queries) and {@code
   * LatLonDocValuesField} (which says the point exists); absent in older indexes, whose positions
   * the geo filters find through {@link #GPS_LAT} and {@link #GPS_LON}.
   */
  public static final String GEO = "geo";

  /** Words of the file name ({@link NameWords}); analysed text, not stored. */
  public static final String WORDS_FILENAME = "words_filename";

  /** Words of the folder names below the root; analysed text, not stored. */
  public static final String WORDS_FOLDER = "words_folder";

  /** {@link PhotoWords#keywords()}, one value each; analysed text, stored. */
  public static final String WORDS_KEYWORDS = "words_keywords";

  /** {@link PhotoWords#descriptions()}; analysed text, stored. */
  public static final String WORDS_DESCRIPTION = "words_description";

  /** {@link PhotoWords#titles()}; analysed text, stored. */
  public static final String WORDS_TITLE = "words_title";

  /**
   * Present (stored and indexed, value {@code 1}) when the image's words were read: images indexed
   * before Glimpse read words lack it, and their {@link ImageMetadata#words()} is empty.
   */
  public static final String WORDS_READ = "words_read";

  /** The vector similarity: dot product of unit vectors, i.e. cosine. */
  public static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

  private final int dimension;

  /**
   * Creates the schema for vectors of a dimension.
   *
   * @param dimension vector dimension, 1 to {@link IndexConfig#MAX_DIMENSION}
   */
  public IndexSchema(int dimension) {
    if (dimension < 1 || dimension > IndexConfig.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "vector dimension must be in [1, " + IndexConfig.MAX_DIMENSION + "], got " + dimension);
    }
    this.dimension = dimension;
  }

  /** The vector dimension. */
  public int dimension() {
    return dimension;
  }

  /**
   * The codec to write with: Lucene's default codec, with the HNSW parameters and quantisation of
   * {@code config} for the vector field.
   *
   * <p>An anonymous subclass still records the default codec's name, and the per-field vector
   * format is recorded under its own SPI name, so any reader with Lucene's default codec opens the
   * index; no custom codec needs registering.
   *
   * @param config HNSW parameters and quantisation
   * @return the codec
   */
  public static Codec codec(IndexConfig config) {
    KnnVectorsFormat format =
        switch (config.quantization()) {
          case NONE -> new Lucene99HnswVectorsFormat(config.hnswM(), config.beamWidth());
          case INT8 ->
              new Lucene99HnswScalarQuantizedVectorsFormat(config.hnswM(), config.beamWidth());
        };
    return new Lucene103Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return VECTOR.equals(field) ? format : super.getKnnVectorsFormatForField(field);
      }
    };
  }

  /** The analyzer of the word fields and of keyword queries. */
  public static Analyzer analyzer() {
    return new WordAnalyzer();
  }

  /** The text field that holds a source's words. */
  public static String wordField(WordSource source) {
    return switch (source) {
      case FILENAME -> WORDS_FILENAME;
      case FOLDER -> WORDS_FOLDER;
      case KEYWORDS -> WORDS_KEYWORDS;
      case DESCRIPTION -> WORDS_DESCRIPTION;
      case TITLE -> WORDS_TITLE;
    };
  }

  /** The source of a word field, or empty for another field. */
  public static Optional<WordSource> wordSource(String field) {
    for (WordSource s : WordSource.values()) {
      if (wordField(s).equals(field)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The keyword query over every word field: each loose word and each phrase is one clause that may
   * match in any source (the best source counts fully, the others a little: a disjunction max), and
   * the clauses add up, so a photo matching more of the query ranks higher. Scored with Lucene's
   * default BM25.
   *
   * @param query the words and phrases
   * @return the query, or empty when nothing is left after analysis (only stop words)
   */
  public Optional<Query> wordQuery(WordQuery query) {
    QueryBuilder builder = new QueryBuilder(analyzer());
    BooleanQuery.Builder all = new BooleanQuery.Builder();
    int clauses = 0;
    List<String> loose = new ArrayList<>();
    for (String w : query.words()) {
      for (String part : w.strip().split("\\s+", -1)) {
        if (!part.isEmpty()) {
          loose.add(part);
        }
      }
    }
    for (String word : loose) {
      Optional<Query> q = anySource(builder, word, false);
      if (q.isPresent()) {
        all.add(q.get(), BooleanClause.Occur.SHOULD);
        clauses++;
      }
    }
    for (String phrase : query.phrases()) {
      Optional<Query> q = anySource(builder, phrase, true);
      if (q.isPresent()) {
        all.add(q.get(), BooleanClause.Occur.SHOULD);
        clauses++;
      }
    }
    return clauses == 0 ? Optional.empty() : Optional.of(all.build());
  }

  private static Optional<Query> anySource(QueryBuilder builder, String text, boolean phrase) {
    List<Query> perSource = new ArrayList<>();
    for (WordSource source : WordSource.values()) {
      String field = wordField(source);
      Query q =
          phrase ? builder.createPhraseQuery(field, text) : builder.createBooleanQuery(field, text);
      if (q != null) {
        perSource.add(new BoostQuery(q, source.boost()));
      }
    }
    return perSource.isEmpty()
        ? Optional.empty()
        : Optional.of(new DisjunctionMaxQuery(perSource, 0.1f));
  }

  /** Matches the images whose words were read ({@link #WORDS_READ}). */
  public Query wordsReadQuery() {
    return new TermQuery(new Term(WORDS_READ, "1"));
  }

  /**
   * Maps a Lucene {@link VectorSimilarityFunction#DOT_PRODUCT} score back to the cosine.
   *
   * @param luceneScore {@code (1 + dot) / 2}
   * @return the dot product, which for unit vectors is the cosine, in [-1, 1]
   */
  public static float cosine(float luceneScore) {
    return Math.max(-1f, Math.min(1f, 2f * luceneScore - 1f));
  }

  /**
   * Builds the document of an image.
   *
   * @param record the image as stored: its path and folder are keys
   * @param vector its L2-normalised embedding, of this schema's dimension
   * @return the document
   */
  public Document document(ImageRecord record, float[] vector) {
    checkVector(vector, "image vector of " + record.path());
    Document doc = new Document();
    doc.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
    doc.add(new StringField(ID, record.id(), Field.Store.YES));
    addKeyword(doc, PATH, record.path());
    doc.add(new StoredField(FOLDER, record.folder()));
    doc.add(new SortedDocValuesField(FOLDER, new BytesRef(record.folder())));
    for (String folder : folderTree(record.folder())) {
      doc.add(new StringField(FOLDER_TREE, folder, Field.Store.NO));
    }
    addLong(doc, SIZE, record.size());
    addLong(doc, MTIME, record.mtime());
    addKeyword(doc, HASH, record.hash());
    ImageMetadata md = record.metadata();
    addLong(doc, WIDTH, md.width());
    addLong(doc, HEIGHT, md.height());
    addKeyword(doc, FORMAT, md.format());
    md.takenAt()
        .ifPresent(
            t -> {
              long millis = t.toEpochMilli();
              doc.add(new LongPoint(TAKEN_AT, millis));
              addLong(doc, TAKEN_AT, millis);
            });
    md.cameraMake().ifPresent(v -> doc.add(new StringField(CAMERA_MAKE, v, Field.Store.YES)));
    md.cameraModel().ifPresent(v -> doc.add(new StringField(CAMERA_MODEL, v, Field.Store.YES)));
    for (String key : MetadataQueries.cameraKeys(md.cameraMake(), md.cameraModel())) {
      doc.add(new StringField(CAMERA_KEY, key, Field.Store.NO));
    }
    md.lens()
        .ifPresent(
            v -> {
              doc.add(new StoredField(LENS, v));
              doc.add(new StringField(LENS_KEY, MetadataQueries.fold(v), Field.Store.NO));
            });
    if (md.exifOrientation() != 0) {
      doc.add(new StoredField(EXIF_ORIENTATION, md.exifOrientation()));
    }
    md.orientation().ifPresent(o -> doc.add(new StringField(ORIENTATION, o.key(), Field.Store.NO)));
    md.gps()
        .ifPresent(
            g -> {
              doc.add(new LatLonPoint(GEO, g.latitude(), g.longitude()));
              doc.add(new LatLonDocValuesField(GEO, g.latitude(), g.longitude()));
              doc.add(new DoublePoint(GPS_LAT, g.latitude()));
              doc.add(new StoredField(GPS_LAT, g.latitude()));
              doc.add(new DoublePoint(GPS_LON, g.longitude()));
              doc.add(new StoredField(GPS_LON, g.longitude()));
            });
    addWords(doc, record);
    return doc;
  }

  /**
   * The word fields. File and folder names are always indexed (from the path key, so a moved root
   * keeps them); the embedded words only when they were read, with the {@link #WORDS_READ} mark.
   */
  private static void addWords(Document doc, ImageRecord record) {
    Path file = Path.of(record.path()).getFileName();
    String name = file == null ? record.path() : file.toString();
    doc.add(
        new TextField(
            WORDS_FILENAME, String.join(" ", NameWords.ofFileName(name)), Field.Store.NO));
    for (String folder : folderNames(record.folder())) {
      doc.add(
          new TextField(WORDS_FOLDER, String.join(" ", NameWords.split(folder)), Field.Store.NO));
    }
    record
        .metadata()
        .words()
        .ifPresent(
            w -> {
              doc.add(new StringField(WORDS_READ, "1", Field.Store.YES));
              w.keywords().forEach(v -> doc.add(new TextField(WORDS_KEYWORDS, v, Field.Store.YES)));
              w.descriptions()
                  .forEach(v -> doc.add(new TextField(WORDS_DESCRIPTION, v, Field.Store.YES)));
              w.titles().forEach(v -> doc.add(new TextField(WORDS_TITLE, v, Field.Store.YES)));
            });
  }

  /**
   * The folder names that describe a photo: those below its root ({@code r1/2019/Iceland} gives
   * {@code 2019}, {@code Iceland}); for a schema-1 absolute folder only the last name, since the
   * rest is the user's home and such.
   */
  static List<String> folderNames(String folder) {
    if (Path.of(folder).isAbsolute()) {
      Path name = Path.of(folder).getFileName();
      return name == null ? List.of() : List.of(name.toString());
    }
    List<String> parts = new ArrayList<>(List.of(folder.split("/")));
    return parts.size() <= 1 ? List.of() : parts.subList(1, parts.size());
  }

  /**
   * Reads an image back from a document's stored fields.
   *
   * @param doc a document written by {@link #document}
   * @return the image
   */
  public ImageRecord record(Document doc) {
    Optional<GeoPoint> gps = Optional.empty();
    IndexableField lat = doc.getField(GPS_LAT);
    IndexableField lon = doc.getField(GPS_LON);
    if (lat != null && lon != null) {
      gps =
          Optional.of(
              new GeoPoint(lat.numericValue().doubleValue(), lon.numericValue().doubleValue()));
    }
    IndexableField taken = doc.getField(TAKEN_AT);
    ImageMetadata md =
        new ImageMetadata(
            intValue(doc, WIDTH),
            intValue(doc, HEIGHT),
            doc.get(FORMAT) == null ? "" : doc.get(FORMAT),
            taken == null
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(taken.numericValue().longValue())),
            Optional.ofNullable(doc.get(CAMERA_MAKE)),
            Optional.ofNullable(doc.get(CAMERA_MODEL)),
            gps,
            Optional.ofNullable(doc.get(LENS)),
            intValue(doc, EXIF_ORIENTATION),
            doc.get(WORDS_READ) == null
                ? Optional.empty()
                : Optional.of(
                    new PhotoWords(
                        List.of(doc.getValues(WORDS_KEYWORDS)),
                        List.of(doc.getValues(WORDS_DESCRIPTION)),
                        List.of(doc.getValues(WORDS_TITLE)))));
    return new ImageRecord(
        doc.get(ID),
        doc.get(PATH),
        doc.get(FOLDER),
        doc.getField(SIZE).numericValue().longValue(),
        doc.getField(MTIME).numericValue().longValue(),
        doc.get(HASH),
        md);
  }

  /**
   * Throws if a vector has the wrong dimension, non-finite values or is not of unit length.
   *
   * @param vector the vector
   * @param what what the vector is, for the message
   */
  public void checkVector(float[] vector, String what) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          what
              + ": vector dimension "
              + vector.length
              + " does not match index dimension "
              + dimension);
    }
    double sum = 0;
    for (float x : vector) {
      sum += (double) x * x;
    }
    if (!(Math.abs(Math.sqrt(sum) - 1) <= 1e-3)) {
      throw new IllegalArgumentException(
          what + ": vector must be L2-normalised, its norm is " + Math.sqrt(sum));
    }
  }

  /** The term that identifies an image's document. */
  public Term pathTerm(String path) {
    return new Term(PATH, path);
  }

  /** Matches the image with an id. */
  public Query idQuery(String id) {
    return new TermQuery(new Term(ID, id));
  }

  /** Matches images with a content hash. */
  public Query hashQuery(String hash) {
    return new TermQuery(new Term(HASH, hash));
  }

  /**
   * Matches every image in any of some folders or below them.
   *
   * @param folders folder keys ({@link #FOLDER_TREE} terms); none matches nothing
   */
  public Query folderQuery(Collection<String> folders) {
    if (folders.size() == 1) {
      return new TermQuery(new Term(FOLDER_TREE, folders.iterator().next()));
    }
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    for (String folder : folders) {
      any.add(new TermQuery(new Term(FOLDER_TREE, folder)), BooleanClause.Occur.SHOULD);
    }
    return folders.isEmpty() ? new MatchNoDocsQuery("no root holds the folder") : any.build();
  }

  /**
   * The pre-filter of a vector search: folder, date and {@link MetadataFilter metadata}
   * restrictions, empty if there are none.
   *
   * @param filter the restrictions
   * @param folderKeys the folder keys that {@link SearchFilter#folder()} stands for (see {@link
   *     #folderQuery}); ignored without a folder restriction
   * @return a query matching the allowed images, or empty to allow all
   */
  public Optional<Query> filterQuery(SearchFilter filter, Collection<String> folderKeys) {
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    boolean any = false;
    if (filter.folder().isPresent()) {
      builder.add(folderQuery(folderKeys), BooleanClause.Occur.FILTER);
      any = true;
    }
    if (filter.takenFrom().isPresent() || filter.takenTo().isPresent()) {
      long from = filter.takenFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long to = filter.takenTo().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      builder.add(LongPoint.newRangeQuery(TAKEN_AT, from, to), BooleanClause.Occur.FILTER);
      any = true;
    }
    any |= MetadataQueries.addTo(builder, filter.metadata());
    return any ? Optional.of(builder.build()) : Optional.empty();
  }

  /**
   * A folder and all its ancestors, root first: {@code r1/a/b} gives {@code r1}, {@code r1/a},
   * {@code r1/a/b}; a schema-1 absolute {@code /a/b} gives {@code /}, {@code /a}, {@code /a/b}.
   *
   * @param folder a folder key, or an absolute folder path
   * @return the folders
   */
  static List<String> folderTree(String folder) {
    List<String> out = new ArrayList<>();
    if (Path.of(folder).isAbsolute()) {
      for (Path p = Path.of(folder); p != null; p = p.getParent()) {
        out.add(0, p.toString());
      }
      return out;
    }
    for (int slash = folder.indexOf('/'); slash >= 0; slash = folder.indexOf('/', slash + 1)) {
      out.add(folder.substring(0, slash));
    }
    out.add(folder);
    return out;
  }

  private static void addKeyword(Document doc, String field, String value) {
    doc.add(new StringField(field, value, Field.Store.YES));
    doc.add(new SortedDocValuesField(field, new BytesRef(value)));
  }

  private static void addLong(Document doc, String field, long value) {
    doc.add(new StoredField(field, value));
    doc.add(new NumericDocValuesField(field, value));
  }

  private static int intValue(Document doc, String field) {
    IndexableField f = doc.getField(field);
    return f == null ? 0 : f.numericValue().intValue();
  }
}
