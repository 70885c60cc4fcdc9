package dev.glimpse.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A tiny Prometheus registry: labelled counters, labelled histograms and gauges read on scrape,
 * rendered in the text exposition format 0.0.4. Enough for a handful of metrics without a
 * dependency; thread-safe and lock-free on the recording path.
 */
public final class MetricsRegistry {
  private final List<Metric> metrics = new CopyOnWriteArrayList<>();

  /** Registers a counter. */
  public Counter counter(String name, String help, String... labelNames) {
    return register(new Counter(name, help, List.of(labelNames)));
  }

  /** Registers a histogram with upper bucket bounds in ascending order. */
  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return register(new Histogram(name, help, buckets, List.of(labelNames)));
  }

  /** Registers a gauge whose value is read at scrape time. */
  public void gauge(String name, String help, DoubleSupplier value) {
    register(new Gauge(name, help, value));
  }

  /** Registers a metric made elsewhere, e.g. the service's encoder histogram. */
  public <M extends Metric> M register(M metric) {
    for (Metric m : metrics) {
      if (m.name().equals(metric.name())) {
        throw new IllegalArgumentException("metric " + metric.name() + " is already registered");
      }
    }
    metrics.add(metric);
    return metric;
  }

  /** The text exposition of every metric. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    for (Metric m : metrics) {
      out.append("# HELP ").append(m.name()).append(' ').append(escapeHelp(m.help())).append('\n');
      out.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
      m.write(out);
    }
    return out.toString();
  }

  /** One metric family. */
  public sealed interface Metric permits Counter, Histogram, Gauge {
    /** The metric name. */
    String name();

    /** The help text. */
    String help();

    /** The Prometheus type. */
    String type();

    /** Appends the samples. */
    void write(StringBuilder out);
  }

  /** A monotonically increasing count per label combination. */
  public static final class Counter implements Metric {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, LongAdder> values = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labelNames) {
      this.name = checkName(name);
      this.help = Objects.requireNonNull(help, "help");
      this.labelNames = List.copyOf(labelNames);
    }

    /** Adds one for these label values. */
    public void inc(String... labelValues) {
      values.computeIfAbsent(key(labelNames, labelValues), k -> new LongAdder()).increment();
    }

    /** The current count for these label values. */
    public long get(String... labelValues) {
      LongAdder a = values.get(List.of(labelValues));
      return a == null ? 0 : a.sum();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public String type() {
      return "counter";
    }

    @Override
    public void write(StringBuilder out) {
      for (var e : sorted(values)) {
        out.append(name)
            .append(labels(labelNames, e.getKey(), null))
            .append(' ')
            .append(e.getValue().sum())
            .append('\n');
      }
    }
  }

  /** Observations counted into cumulative buckets, with their sum and count. */
  public static final class Histogram implements Metric {
    private final String name;
    private final String help;
    private final double[] buckets;
    private final List<String> labelNames;
    private final Map<List<String>, Series> values = new ConcurrentHashMap<>();

    /**
     * A histogram that is not registered yet; {@link MetricsRegistry#register} adds it.
     *
     * @param name metric name, e.g. {@code glimpse_encoder_seconds}
     * @param help help text
     * @param buckets upper bounds, strictly ascending
     * @param labelNames label names
     */
    public Histogram(String name, String help, double[] buckets, List<String> labelNames) {
      this.name = checkName(name);
      this.help = Objects.requireNonNull(help, "help");
      this.buckets = buckets.clone();
      for (int i = 1; i < this.buckets.length; i++) {
        if (!(this.buckets[i] > this.buckets[i - 1])) {
          throw new IllegalArgumentException("buckets must ascend: " + Arrays.toString(buckets));
        }
      }
      this.labelNames = List.copyOf(labelNames);
    }

    /** Records one observation. */
    public void observe(double value, String... labelValues) {
      Series s =
          values.computeIfAbsent(key(labelNames, labelValues), k -> new Series(buckets.length));
      for (int i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]) {
          s.buckets[i].increment();
          break;
        }
      }
      s.count.increment();
      s.sum.add(value);
    }

    /** The number of observations for these label values. */
    public long count(String... labelValues) {
      Series s = values.get(List.of(labelValues));
      return s == null ? 0 : s.count.sum();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public String type() {
      return "histogram";
    }

    @Override
    public void write(StringBuilder out) {
      for (var e : sorted(values)) {
        Series s = e.getValue();
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
          cumulative += s.buckets[i].sum();
          out.append(name)
              .append("_bucket")
              .append(labels(labelNames, e.getKey(), format(buckets[i])))
              .append(' ')
              .append(cumulative)
              .append('\n');
        }
        long count = s.count.sum();
        out.append(name)
            .append("_bucket")
            .append(labels(labelNames, e.getKey(), "+Inf"))
            .append(' ')
            .append(count)
            .append('\n');
        String l = labels(labelNames, e.getKey(), null);
        out.append(name).append("_sum").append(l).append(' ').append(format(s.sum.sum()));
        out.append('\n');
        out.append(name).append("_count").append(l).append(' ').append(count).append('\n');
      }
    }

    private static final class Series {
      final LongAdder[] buckets;
      final LongAdder count = new LongAdder();
      final DoubleAdder sum = new DoubleAdder();

      Series(int n) {
        buckets = new LongAdder[n];
        for (int i = 0; i < n; i++) {
          buckets[i] = new LongAdder();
        }
      }
    }
  }

  /** A value read when scraped. */
  public static final class Gauge implements Metric {
    private final String name;
    private final String help;
    private final DoubleSupplier value;

    Gauge(String name, String help, DoubleSupplier value) {
      this.name = checkName(name);
      this.help = Objects.requireNonNull(help, "help");
      this.value = Objects.requireNonNull(value, "value");
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public String type() {
      return "gauge";
    }

    @Override
    public void write(StringBuilder out) {
      double v;
      try {
        v = value.getAsDouble();
      } catch (RuntimeException e) {
        v = Double.NaN;
      }
      out.append(name).append(' ').append(format(v)).append('\n');
    }
  }

  private static String checkName(String name) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("invalid metric name '" + name + "'");
    }
    return name;
  }

  private static List<String> key(List<String> labelNames, String[] labelValues) {
    if (labelValues.length != labelNames.size()) {
      throw new IllegalArgumentException(
          "expected label values for " + labelNames + ", got " + Arrays.toString(labelValues));
    }
    return List.of(labelValues);
  }

  private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> values) {
    List<Map.Entry<List<String>, V>> entries = new ArrayList<>(values.entrySet());
    entries.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
    return entries;
  }

  private static String labels(List<String> names, List<String> values, String le) {
    if (names.isEmpty() && le == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(names.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
    }
    if (le != null) {
      if (!names.isEmpty()) {
        b.append(',');
      }
      b.append("le=\"").append(le).append('"');
    }
    return b.append('}').toString();
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }

  private static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
