package dev.glimpse.api;

import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.LabelledHit;
import dev.glimpse.core.relevance.RelevantSearch;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The relevance cut-off and order of a search: the {@code cutoff} and {@code sort} parameters in,
 * the labels and counts out.
 */
final class RelevanceParams {
  private RelevanceParams() {}

  /** The {@code cutoff} query parameter: {@code auto} (default) or {@code none}. */
  static CutoffMode cutoff(Context ctx) {
    return cutoff(Optional.ofNullable(ctx.queryParam("cutoff")));
  }

  /** {@code cutoff} from a body or the query; 400 naming the accepted values. */
  static CutoffMode cutoff(Optional<String> raw) {
    try {
      return raw.filter(s -> !s.isBlank()).map(CutoffMode::parse).orElse(CutoffMode.AUTO);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * The {@code sort} query parameter: {@code relevance} (default), {@code date}, {@code date-asc}.
   */
  static HitOrder sort(Context ctx) {
    return sort(Optional.ofNullable(ctx.queryParam("sort")));
  }

  /** {@code sort} from a body or the query; 400 naming the accepted values. */
  static HitOrder sort(Optional<String> raw) {
    try {
      return raw.filter(s -> !s.isBlank()).map(HitOrder::parse).orElse(HitOrder.RELEVANCE);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * A hit's relevance in a result.
   *
   * @param label {@code strong}, {@code weak} or {@code below}
   * @param z background standard deviations above the query's background; null when too few images
   *     were searched to judge
   * @param eValue images expected to score this high by chance; null likewise
   */
  record Relevance(String label, Double z, Double eValue) {
    static Relevance of(LabelledHit h) {
      return new Relevance(
          h.relevance().label(),
          Double.isNaN(h.z()) ? null : round(h.z(), 100),
          Double.isNaN(h.eValue()) ? null : significant(h.eValue()));
    }
  }

  /**
   * The counts of a response.
   *
   * @param strong searched images labelled strong
   * @param weak labelled weak
   * @param below the rest: how many more exist below the ones returned by {@code cutoff=auto}
   * @param estimated true when the counts come from a sample of a large index
   */
  record Counts(long strong, long weak, long below, boolean estimated) {
    static Counts of(RelevantSearch.Counts c) {
      return new Counts(c.strong(), c.weak(), c.below(), c.estimated());
    }
  }

  private static double round(double v, double per) {
    return Math.round(v * per) / per;
  }

  /** Three significant digits: e-values span hundreds of orders of magnitude. */
  private static double significant(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return v;
    }
    return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", v));
  }
}
