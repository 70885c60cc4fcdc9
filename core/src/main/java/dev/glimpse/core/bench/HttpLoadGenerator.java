package dev.glimpse.core.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP load on {@code GET /api/search} from N client threads, in one of two models:
 *
 * <ul>
 *   <li><b>Closed loop</b> (no rate): each client sends its next query as soon as the previous
 *       answer arrived, so the clients find the saturation throughput, and latency is {@code
 *       clients / throughput} (Little's law) rather than the latency at a given load. Latency is
 *       measured around each request.
 *   <li><b>Paced</b> (a total offered rate): the clients share a send schedule fixed in advance,
 *       the m-th send of the run at {@code m / rate} seconds, client {@code c} sending the m-th
 *       where {@code m mod clients == c}, so the whole sends evenly at {@code rate}. A client whose
 *       previous answer is late sends as soon as it is free, and latency is measured from the
 *       <em>scheduled</em> send time, so time spent queued behind a slow answer counts (no
 *       coordinated omission). If the server cannot keep up, latency grows with the backlog and the
 *       achieved throughput falls short of the offered rate.
 * </ul>
 *
 * A run measures either a timed window or a fixed number of requests ({@link Span}); the count does
 * not depend on the machine's speed, so it is what tests use. A warm-up phase runs first and is not
 * counted. Body reads are included in latency. Every figure of a {@link Result} comes from the same
 * measured window.
 */
public final class HttpLoadGenerator {
  /** How long paced clients may keep draining a backlog after the window before giving up. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  /** What a run measures: the requests of a timed window, or a fixed number of requests. */
  public sealed interface Span {
    /**
     * The requests of a window of this length: closed loop, those that started and finished in it;
     * paced, those scheduled in it.
     */
    record Timed(Duration duration) implements Span {
      public Timed {
        if (duration.isNegative() || duration.isZero()) {
          throw new IllegalArgumentException("the measured duration must be positive: " + duration);
        }
      }
    }

    /**
     * Exactly this many requests, however long they take: closed loop, the clients take them from a
     * shared count; paced, the first {@code requests} sends scheduled after the warm-up (a window
     * of {@code requests / rate} seconds).
     */
    record Counted(int requests) implements Span {
      public Counted {
        if (requests < 1) {
          throw new IllegalArgumentException(
              "the measured requests must be positive, got " + requests);
        }
      }
    }
  }

  /**
   * How to load.
   *
   * @param clients concurrent clients
   * @param warmup time before measuring
   * @param span what is measured after the warm-up
   * @param k results per search
   * @param rate total offered requests per second over all clients (paced), or empty for a closed
   *     loop
   */
  public record Settings(int clients, Duration warmup, Span span, int k, OptionalDouble rate) {
    public Settings {
      if (clients < 1 || clients > 1024) {
        throw new IllegalArgumentException("clients must be in [1, 1024], got " + clients);
      }
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("need warmup >= 0, got " + warmup);
      }
      Objects.requireNonNull(span, "span");
      if (k < 1) {
        throw new IllegalArgumentException("k must be positive, got " + k);
      }
      Objects.requireNonNull(rate, "rate");
      if (rate.isPresent() && !(rate.getAsDouble() > 0 && rate.getAsDouble() <= 100_000)) {
        throw new IllegalArgumentException(
            "rate must be in (0, 100000] requests per second, got " + rate.getAsDouble());
      }
    }

    /** A closed loop: no think time, no schedule. */
    public static Settings closedLoop(int clients, Duration warmup, Span span, int k) {
      return new Settings(clients, warmup, span, k, OptionalDouble.empty());
    }

    /** Paced at {@code rate} requests per second over all clients. */
    public static Settings paced(int clients, Duration warmup, Span span, int k, double rate) {
      return new Settings(clients, warmup, span, k, OptionalDouble.of(rate));
    }
  }

  /** The next query of a client; called from that client's thread. */
  @FunctionalInterface
  public interface QuerySource {
    String next(SplittableRandom clientRandom);
  }

  /**
   * One measured window.
   *
   * @param requests the measured requests (see {@link Span}): closed loop, sent and answered;
   *     paced, scheduled and answered
   * @param completedInWindow answers that arrived inside the window (the achieved throughput); for
   *     a counted closed loop, whose window ends with the last answer, every measured request
   * @param missed paced: measured requests never sent because the backlog had not drained {@link
   *     #DRAIN_LIMIT} after the window; 0 for a closed loop
   * @param errors of {@code requests}, the ones with a status other than 200 or an exception
   * @param firstError the first error's description, or empty
   * @param seconds the window's length
   * @param offeredRate paced: the offered requests per second; closed loop: empty
   * @param latencyMillis every request's latency, sorted ascending (paced: from its scheduled send
   *     time)
   */
  public record Result(
      long requests,
      long completedInWindow,
      long missed,
      long errors,
      String firstError,
      double seconds,
      OptionalDouble offeredRate,
      double[] latencyMillis) {
    /** Answers per second that arrived inside the window. */
    public double qps() {
      return completedInWindow / seconds;
    }

    /** Nearest-rank percentile of the latencies, in milliseconds. */
    public double percentile(double p) {
      return latencyMillis.length == 0 ? Double.NaN : EncoderBenchmark.percentile(latencyMillis, p);
    }

    /** The largest latency in milliseconds. */
    public double maxMillis() {
      return latencyMillis.length == 0 ? Double.NaN : latencyMillis[latencyMillis.length - 1];
    }
  }

  private final Settings settings;

  public HttpLoadGenerator(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Runs warm-up then the measured window.
   *
   * @param base the server's base URI, e.g. {@code http://127.0.0.1:7070}
   * @param queries where each client's queries come from
   * @param measureStarts called once when warm-up ends (to snapshot server counters); without a
   *     warm-up, before the first request
   * @param seed seeds the clients' random sources
   */
  public Result run(URI base, QuerySource queries, Runnable measureStarts, long seed)
      throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    boolean warmup = !settings.warmup().isZero();
    if (!warmup) {
      measureStarts.run();
    }
    long start = System.nanoTime();
    Plan plan = plan(start);
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    List<Client> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int c = 0; c < settings.clients(); c++) {
      Client client = new Client(http, base, queries, seeds.split(), plan, c, errors, firstError);
      clients.add(client);
      threads.add(Thread.ofPlatform().name("glimpse-load-" + c).unstarted(client));
    }
    threads.forEach(Thread::start);
    if (warmup) {
      long sleep = plan.from - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
      measureStarts.run();
    }
    for (Thread t : threads) {
      t.join();
    }
    http.close();
    long total = 0;
    long completed = 0;
    long missed = 0;
    long end = plan.to;
    if (plan.tickets != null) {
      // a counted closed loop: the window ends with the last measured answer
      end = plan.from;
      for (Client c : clients) {
        end = Math.max(end, c.lastDone);
      }
    }
    for (Client c : clients) {
      total += c.count;
      completed += c.completedInWindow;
      missed += c.missed;
    }
    double[] ms = new double[(int) total];
    int i = 0;
    for (Client c : clients) {
      for (int j = 0; j < c.count; j++) {
        ms[i++] = c.latencies[j] / 1e6;
      }
    }
    Arrays.sort(ms);
    return new Result(
        total,
        completed,
        missed,
        errors.get(),
        firstError.get(),
        Math.max(end - plan.from, 1) / 1e9,
        settings.rate(),
        ms);
  }

  /**
   * When the run measures, in {@link System#nanoTime()} units.
   *
   * @param start when the run started (the paced schedule's origin)
   * @param from the end of the warm-up
   * @param to the end of the window; for a counted closed loop, unknown in advance ({@code
   *     Long.MAX_VALUE})
   * @param firstMeasured paced: the index of the first measured scheduled send
   * @param endMeasured paced: the index after the last measured scheduled send
   * @param tickets a counted closed loop: the measured requests not yet taken; else null
   */
  private record Plan(
      long start, long from, long to, long firstMeasured, long endMeasured, AtomicLong tickets) {}

  private Plan plan(long start) {
    long from = start + settings.warmup().toNanos();
    if (settings.rate().isPresent()) {
      long first = firstSendAtOrAfter(from - start);
      long end =
          switch (settings.span()) {
            case Span.Timed t -> firstSendAtOrAfter(from - start + t.duration().toNanos());
            case Span.Counted c -> first + c.requests();
          };
      long to =
          switch (settings.span()) {
            case Span.Timed t -> from + t.duration().toNanos();
            case Span.Counted c -> start + offset(end);
          };
      return new Plan(start, from, to, first, end, null);
    }
    return switch (settings.span()) {
      case Span.Timed t -> new Plan(start, from, from + t.duration().toNanos(), 0, 0, null);
      case Span.Counted c ->
          new Plan(start, from, Long.MAX_VALUE, 0, 0, new AtomicLong(c.requests()));
    };
  }

  /** Paced: when the m-th send of the run is scheduled, in nanoseconds after the start. */
  private long offset(long m) {
    return Math.round(m * 1e9 / settings.rate().getAsDouble());
  }

  /** Paced: the index of the first send scheduled at or after {@code nanos} from the start. */
  private long firstSendAtOrAfter(long nanos) {
    long m = (long) Math.ceil(nanos * settings.rate().getAsDouble() / 1e9);
    while (m > 0 && offset(m - 1) >= nanos) {
      m--;
    }
    while (offset(m) < nanos) {
      m++;
    }
    return m;
  }

  /** One client thread; its fields are read by the runner after the thread ended. */
  private final class Client implements Runnable {
    private final HttpClient http;
    private final URI base;
    private final QuerySource queries;
    private final SplittableRandom random;
    private final Plan plan;
    private final int index;
    private final AtomicLong errors;
    private final AtomicReference<String> firstError;
    private long[] latencies = new long[4096];
    private int count;
    private long completedInWindow;
    private long missed;
    private long lastDone = Long.MIN_VALUE;

    Client(
        HttpClient http,
        URI base,
        QuerySource queries,
        SplittableRandom random,
        Plan plan,
        int index,
        AtomicLong errors,
        AtomicReference<String> firstError) {
      this.http = http;
      this.base = base;
      this.queries = queries;
      this.random = random;
      this.plan = plan;
      this.index = index;
      this.errors = errors;
      this.firstError = firstError;
    }

    @Override
    public void run() {
      if (settings.rate().isPresent()) {
        paced();
      } else {
        closedLoop();
      }
    }

    private void closedLoop() {
      while (true) {
        long sent = System.nanoTime();
        boolean measured = sent >= plan.from;
        if (measured && plan.tickets != null && plan.tickets.getAndDecrement() <= 0) {
          return;
        }
        if (sent >= plan.to) {
          return;
        }
        String error = send();
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        long done = System.nanoTime();
        if (plan.tickets != null) {
          if (measured) {
            completedInWindow++;
            record(done - sent, error);
            lastDone = done;
          }
          continue;
        }
        if (done >= plan.from && done < plan.to) {
          completedInWindow++;
        }
        if (measured && done <= plan.to) {
          record(done - sent, error);
        }
      }
    }

    private void paced() {
      int clients = settings.clients();
      long drainUntil = plan.to + DRAIN_LIMIT.toNanos();
      for (long m = index; m < plan.endMeasured; m += clients) {
        long scheduled = plan.start + offset(m);
        if (System.nanoTime() > drainUntil) {
          long from = Math.max(m, plan.firstMeasured);
          // this client's sends among [from, endMeasured): m ≡ index (mod clients)
          long firstOwn = from + Math.floorMod(index - from, (long) clients);
          if (firstOwn < plan.endMeasured) {
            missed += (plan.endMeasured - firstOwn + clients - 1) / clients;
          }
          return;
        }
        if (!sleepUntil(scheduled)) {
          return;
        }
        String error = send();
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        long done = System.nanoTime();
        if (done >= plan.from && done < plan.to) {
          completedInWindow++;
        }
        if (m >= plan.firstMeasured) {
          record(done - scheduled, error);
        }
      }
    }

    /** Sends the client's next query; the error's description, or null for a 200. */
    private String send() {
      String q = queries.next(random);
      URI uri =
          base.resolve(
              "/api/search?k="
                  + settings.k()
                  + "&q="
                  + URLEncoder.encode(q, StandardCharsets.UTF_8));
      HttpRequest request =
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
      try {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 200 ? null : "HTTP " + r.statusCode() + " for " + q;
      } catch (IOException e) {
        return e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return e.toString();
      }
    }

    private void record(long latencyNanos, String error) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = latencyNanos;
      if (error != null) {
        errors.incrementAndGet();
        firstError.compareAndSet("", error);
      }
    }

    /** Sleeps until the deadline; false if interrupted. */
    private boolean sleepUntil(long deadline) {
      for (long left = deadline - System.nanoTime();
          left > 0;
          left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
        if (Thread.currentThread().isInterrupted()) {
          return false;
        }
      }
      return true;
    }
  }
}
