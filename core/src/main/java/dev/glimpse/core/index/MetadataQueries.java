package dev.glimpse.core.index;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LatLonPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.geo.Rectangle;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene queries of a {@link MetadataFilter}, added as {@code FILTER} clauses to the vector
 * search's pre-filter, and the match keys {@link IndexSchema} indexes for them.
 *
 * <p>Indexes written before the camera keys and the {@link IndexSchema#GEO} point existed still
 * filter: a camera matches their exact stored make or model, and geo filters use their latitude and
 * longitude points (for a radius, the circle's bounding box). Lens and orientation are known only
 * for photos indexed since they were recorded.
 */
final class MetadataQueries {
  private MetadataQueries() {}

  /**
   * A value folded for matching: Unicode compatibility form, accents dropped, lower case, runs of
   * white space as one space, trimmed.
   */
  static String fold(String value) {
    String decomposed = Normalizer.normalize(value, Normalizer.Form.NFKD);
    return decomposed
        .replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", " ")
        .strip();
  }

  /**
   * The camera keys of a photo: folded make, model and "make model"; when the model already starts
   * with the make (Canon's "Canon PowerShot S330") the combination is the model itself.
   */
  static Set<String> cameraKeys(Optional<String> make, Optional<String> model) {
    Set<String> keys = new LinkedHashSet<>();
    make.map(MetadataQueries::fold).filter(s -> !s.isEmpty()).ifPresent(keys::add);
    model.map(MetadataQueries::fold).filter(s -> !s.isEmpty()).ifPresent(keys::add);
    if (make.isPresent() && model.isPresent()) {
      String m = fold(make.get());
      String d = fold(model.get());
      keys.add(d.startsWith(m) ? d : m + " " + d);
    }
    return keys;
  }

  /**
   * Adds the filter's restrictions to a pre-filter.
   *
   * @param builder the pre-filter being built
   * @param filter the restrictions
   * @return whether any clause was added
   */
  static boolean addTo(BooleanQuery.Builder builder, MetadataFilter filter) {
    boolean positive = false;
    if (filter.camera().isPresent()) {
      builder.add(cameraQuery(filter.camera().get()), Occur.FILTER);
      positive = true;
    }
    if (filter.lens().isPresent()) {
      builder.add(
          new TermQuery(new Term(IndexSchema.LENS_KEY, fold(filter.lens().get()))), Occur.FILTER);
      positive = true;
    }
    if (filter.near().isPresent()) {
      builder.add(nearQuery(filter.near().get()), Occur.FILTER);
      positive = true;
    }
    if (filter.box().isPresent()) {
      builder.add(boxQuery(filter.box().get()), Occur.FILTER);
      positive = true;
    }
    if (filter.orientation().isPresent()) {
      builder.add(
          new TermQuery(new Term(IndexSchema.ORIENTATION, filter.orientation().get().key())),
          Occur.FILTER);
      positive = true;
    }
    if (!filter.formats().isEmpty()) {
      builder.add(
          new TermInSetQuery(
              IndexSchema.FORMAT, filter.formats().stream().map(BytesRef::new).toList()),
          Occur.FILTER);
      positive = true;
    }
    if (filter.minSize().isPresent() || filter.maxSize().isPresent()) {
      // Every schema keeps the size as doc values; the slow range query checks them per candidate,
      // which costs nothing next to the vector comparison done for each candidate anyway.
      builder.add(
          NumericDocValuesField.newSlowRangeQuery(
              IndexSchema.SIZE,
              filter.minSize().orElse(0L),
              filter.maxSize().orElse(Long.MAX_VALUE)),
          Occur.FILTER);
      positive = true;
    }
    for (String id : filter.excludeIds()) {
      builder.add(new TermQuery(new Term(IndexSchema.ID, id)), Occur.MUST_NOT);
    }
    if (!filter.excludeIds().isEmpty() && !positive) {
      // A boolean query of MUST_NOT clauses alone matches nothing.
      builder.add(new MatchAllDocsQuery(), Occur.FILTER);
    }
    return positive || !filter.excludeIds().isEmpty();
  }

  private static Query cameraQuery(String camera) {
    BooleanQuery.Builder any = new BooleanQuery.Builder();
    any.add(new TermQuery(new Term(IndexSchema.CAMERA_KEY, fold(camera))), Occur.SHOULD);
    // Older indexes have no camera keys, only the exact make and model terms.
    any.add(new TermQuery(new Term(IndexSchema.CAMERA_MAKE, camera.strip())), Occur.SHOULD);
    any.add(new TermQuery(new Term(IndexSchema.CAMERA_MODEL, camera.strip())), Occur.SHOULD);
    return any.build();
  }

  private static Query nearQuery(GeoCircle near) {
    GeoPoint c = near.center();
    double meters = near.km() * 1000;
    Query exact =
        LatLonPoint.newDistanceQuery(IndexSchema.GEO, c.latitude(), c.longitude(), meters);
    Rectangle bounds = Rectangle.fromPointDistance(c.latitude(), c.longitude(), meters);
    Query legacy =
        new BooleanQuery.Builder()
            .add(
                legacyBox(new GeoBox(bounds.minLat, bounds.minLon, bounds.maxLat, bounds.maxLon)),
                Occur.FILTER)
            .add(new FieldExistsQuery(IndexSchema.GEO), Occur.MUST_NOT)
            .build();
    return new BooleanQuery.Builder().add(exact, Occur.SHOULD).add(legacy, Occur.SHOULD).build();
  }

  private static Query boxQuery(GeoBox box) {
    // The latitude and longitude points of every schema give the exact box, no point field needed.
    return legacyBox(box);
  }

  private static Query legacyBox(GeoBox box) {
    Query lat = DoublePoint.newRangeQuery(IndexSchema.GPS_LAT, box.south(), box.north());
    Query lon;
    if (box.crossesAntimeridian()) {
      lon =
          new BooleanQuery.Builder()
              .add(DoublePoint.newRangeQuery(IndexSchema.GPS_LON, box.west(), 180), Occur.SHOULD)
              .add(DoublePoint.newRangeQuery(IndexSchema.GPS_LON, -180, box.east()), Occur.SHOULD)
              .build();
    } else {
      lon = DoublePoint.newRangeQuery(IndexSchema.GPS_LON, box.west(), box.east());
    }
    return new BooleanQuery.Builder().add(lat, Occur.FILTER).add(lon, Occur.FILTER).build();
  }
}
