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
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop HTTP load on {@code GET /api/search}: N client threads, each sending its next query
 * as soon as the previous answer arrived. A warm-up phase runs first and is not counted; latency is
 * measured on the client with {@link System#nanoTime()} around each request, body read included.
 * Every figure of a {@link Result} comes from the same measured window.
 */
public final class HttpLoadGenerator {
  /**
   * How to load.
   *
   * @param clients concurrent clients
   * @param warmup time before measuring
   * @param duration measured time
   * @param k results per search
   */
  public record Settings(int clients, Duration warmup, Duration duration, int k) {
    public Settings {
      if (clients < 1 || clients > 1024) {
        throw new IllegalArgumentException("clients must be in [1, 1024], got " + clients);
      }
      if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("need warmup >= 0 and duration > 0");
      }
      if (k < 1) {
        throw new IllegalArgumentException("k must be positive, got " + k);
      }
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
   * @param requests requests started and finished inside the window
   * @param errors of those, the ones with a status other than 200 or an exception
   * @param firstError the first error's description, or empty
   * @param seconds the window's length
   * @param latencyMillis every request's latency, sorted ascending
   */
  public record Result(
      long requests, long errors, String firstError, double seconds, double[] latencyMillis) {
    /** Requests per second. */
    public double qps() {
      return requests / seconds;
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
    long measureFrom = start + settings.warmup().toNanos();
    long measureTo = measureFrom + settings.duration().toNanos();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>("");
    List<long[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int c = 0; c < settings.clients(); c++) {
      long[][] box = {new long[4096]};
      int[] n = {0};
      SplittableRandom random = seeds.split();
      Runnable client =
          () -> {
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
              long t0 = System.nanoTime();
              if (t0 >= measureTo) {
                return;
              }
              String error = null;
              try {
                HttpResponse<byte[]> r =
                    http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                  error = "HTTP " + r.statusCode() + " for " + q;
                }
              } catch (IOException e) {
                error = e.toString();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              long t1 = System.nanoTime();
              if (t0 >= measureFrom && t1 <= measureTo) {
                if (n[0] == box[0].length) {
                  box[0] = Arrays.copyOf(box[0], n[0] * 2);
                }
                box[0][n[0]++] = t1 - t0;
                if (error != null) {
                  errors.incrementAndGet();
                  firstError.compareAndSet("", error);
                }
              }
            }
          };
      latencies.add(new long[0]);
      final int index = c;
      threads.add(
          Thread.ofPlatform()
              .name("glimpse-load-" + c)
              .unstarted(
                  () -> {
                    client.run();
                    synchronized (latencies) {
                      latencies.set(index, Arrays.copyOf(box[0], n[0]));
                    }
                  }));
    }
    threads.forEach(Thread::start);
    long sleep = measureFrom - System.nanoTime();
    if (sleep > 0) {
      Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
    }
    measureStarts.run();
    for (Thread t : threads) {
      t.join();
    }
    http.close();
    long total = 0;
    synchronized (latencies) {
      for (long[] l : latencies) {
        total += l.length;
      }
    }
    double[] ms = new double[(int) total];
    int i = 0;
    synchronized (latencies) {
      for (long[] l : latencies) {
        for (long v : l) {
          ms[i++] = v / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    return new Result(
        total, errors.get(), firstError.get(), settings.duration().toNanos() / 1e9, ms);
  }
}
