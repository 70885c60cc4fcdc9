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
 *       one request every {@code clients / rate} seconds per client, staggered so the whole sends
 *       evenly at {@code rate}. A client whose previous answer is late sends as soon as it is free,
 *       and latency is measured from the <em>scheduled</em> send time, so time spent queued behind
 *       a slow answer counts (no coordinated omission). If the server cannot keep up, latency grows
 *       with the backlog and the achieved throughput falls short of the offered rate.
 * </ul>
 *
 * A warm-up phase runs first and is not counted. Body reads are included in latency. Every figure
 * of a {@link Result} comes from the same measured window.
 */
public final class HttpLoadGenerator {
  /** How long paced clients may keep draining a backlog after the window before giving up. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  /**
   * How to load.
   *
   * @param clients concurrent clients
   * @param warmup time before measuring
   * @param duration measured time
   * @param k results per search
   * @param rate total offered requests per second over all clients (paced), or empty for a closed
   *     loop
   * @param minRequests closed loop: the fewest requests measured, whatever the machine's speed; the
   *     window is extended until every client has measured its share (the reported seconds and QPS
   *     cover the extended window); 0 for a plain timed window
   */
  public record Settings(
      int clients,
      Duration warmup,
      Duration duration,
      int k,
      OptionalDouble rate,
      int minRequests) {
    public Settings {
      if (minRequests < 0) {
        throw new IllegalArgumentException("minRequests must not be negative, got " + minRequests);
      }
      if (clients < 1 || clients > 1024) {
        throw new IllegalArgumentException("clients must be in [1, 1024], got " + clients);
      }
      if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("need warmup >= 0 and duration > 0");
      }
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
    public static Settings closedLoop(int clients, Duration warmup, Duration duration, int k) {
      return new Settings(clients, warmup, duration, k, OptionalDouble.empty(), 0);
    }

    /**
     * The same, measuring at least {@code n} requests in a closed loop (see {@link #minRequests}).
     */
    public Settings withMinRequests(int n) {
      return new Settings(clients, warmup, duration, k, rate, n);
    }

    /** Paced at {@code rate} requests per second over all clients. */
    public static Settings paced(
        int clients, Duration warmup, Duration duration, int k, double rate) {
      return new Settings(clients, warmup, duration, k, OptionalDouble.of(rate), 0);
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
   * @param requests closed loop: requests started and finished inside the window; paced: requests
   *     scheduled inside the window and answered
   * @param completedInWindow answers that arrived inside the window (the achieved throughput)
   * @param missed paced: requests scheduled inside the window that were never sent because the
   *     backlog had not drained {@link #DRAIN_LIMIT} after the window; 0 for a closed loop
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
   * @param measureStarts called once when warm-up ends (to snapshot server counters)
   * @param seed seeds the clients' random sources
   */
  public Result run(URI base, QuerySource queries, Runnable measureStarts, long seed)
      throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    long start = System.nanoTime();
    Window window =
        new Window(
            start + settings.warmup().toNanos(),
            start + settings.warmup().toNanos() + settings.duration().toNanos());
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    List<Client> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int c = 0; c < settings.clients(); c++) {
      long firstSend =
          settings.rate().isPresent()
              ? start + Math.round(c * 1e9 / settings.rate().getAsDouble())
              : start;
      Client client =
          new Client(http, base, queries, seeds.split(), window, firstSend, errors, firstError);
      clients.add(client);
      threads.add(Thread.ofPlatform().name("glimpse-load-" + c).unstarted(client));
    }
    threads.forEach(Thread::start);
    long sleep = window.from - System.nanoTime();
    if (sleep > 0) {
      Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
    }
    measureStarts.run();
    for (Thread t : threads) {
      t.join();
    }
    http.close();
    long total = 0;
    long completed = 0;
    long missed = 0;
    long end = window.to;
    for (Client c : clients) {
      total += c.count;
      completed += c.completedInWindow;
      missed += c.missed;
      end = Math.max(end, c.lastExtendedDone);
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
        (end - window.from) / 1e9,
        settings.rate(),
        ms);
  }

  /** The measured window, in {@link System#nanoTime()} units. */
  private record Window(long from, long to) {}

  /** One client thread; its fields are read by the runner after the thread ended. */
  private final class Client implements Runnable {
    private final HttpClient http;
    private final URI base;
    private final QuerySource queries;
    private final SplittableRandom random;
    private final Window window;
    private final long firstSend;
    private final AtomicLong errors;
    private final AtomicReference<String> firstError;
    private long[] latencies = new long[4096];
    private int count;
    private long completedInWindow;
    private long missed;
    private long lastExtendedDone = Long.MIN_VALUE;

    Client(
        HttpClient http,
        URI base,
        QuerySource queries,
        SplittableRandom random,
        Window window,
        long firstSend,
        AtomicLong errors,
        AtomicReference<String> firstError) {
      this.http = http;
      this.base = base;
      this.queries = queries;
      this.random = random;
      this.window = window;
      this.firstSend = firstSend;
      this.errors = errors;
      this.firstError = firstError;
    }

    @Override
    public void run() {
      boolean paced = settings.rate().isPresent();
      long interval =
          paced ? Math.round(settings.clients() * 1e9 / settings.rate().getAsDouble()) : 0;
      long drainUntil = window.to + DRAIN_LIMIT.toNanos();
      long scheduled = firstSend;
      int share = (settings.minRequests() + settings.clients() - 1) / settings.clients();
      while (true) {
        String q = queries.next(random);
        URI uri =
            base.resolve(
                "/api/search?k="
                    + settings.k()
                    + "&q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8));
        HttpRequest request =
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        if (paced) {
          if (scheduled >= window.to) {
            return;
          }
          if (System.nanoTime() > drainUntil) {
            long from = Math.max(scheduled, window.from);
            missed += (window.to - from + interval - 1) / interval;
            return;
          }
          if (!sleepUntil(scheduled)) {
            return;
          }
        } else {
          scheduled = System.nanoTime();
          if (scheduled >= window.to && count >= share) {
            return;
          }
        }
        String error = null;
        try {
          HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            error = "HTTP " + r.statusCode() + " for " + q;
          }
        } catch (IOException e) {
          error = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long done = System.nanoTime();
        boolean extended = !paced && scheduled >= window.from && done > window.to && count < share;
        if (done >= window.from && (done < window.to || extended)) {
          completedInWindow++;
        }
        if (extended) {
          lastExtendedDone = done;
        }
        boolean counted =
            scheduled >= window.from
                && (paced ? scheduled < window.to : done <= window.to || extended);
        if (counted) {
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = done - scheduled;
          if (error != null) {
            errors.incrementAndGet();
            firstError.compareAndSet("", error);
          }
        }
        if (paced) {
          scheduled += interval;
        }
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
