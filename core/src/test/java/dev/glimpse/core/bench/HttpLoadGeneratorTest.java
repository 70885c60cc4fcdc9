package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpLoadGeneratorTest {
  private HttpServer server;
  private ExecutorService executor;

  /** A server that answers every search after {@code serviceMillis}, one request at a time. */
  private URI serialServer(long serviceMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newSingleThreadExecutor();
    server.setExecutor(executor);
    server.createContext("/api/search", exchange -> answer(exchange, serviceMillis));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void answer(HttpExchange exchange, long serviceMillis) throws IOException {
    try {
      Thread.sleep(serviceMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean bad = exchange.getRequestURI().getQuery().contains("q=bad");
    byte[] body = "{\"results\":[]}".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(bad ? 500 : 200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Test
  void paced_load_sends_every_scheduled_request_of_the_window() throws Exception {
    URI base = serialServer(0);
    // 100 requests/s over 4 clients: sends scheduled every 10 ms, fixed in advance; a 1 s window
    // after a 200 ms warm-up holds exactly the sends 20 to 119, however slowly they go out.
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.paced(
                    4, Duration.ofMillis(200), timed(Duration.ofSeconds(1)), 10, 100))
            .run(base, random -> "a dog", () -> {}, 1);
    assertEquals(100, r.requests());
    assertEquals(0, r.missed());
    assertEquals(0, r.errors());
    assertEquals(100.0, r.offeredRate().getAsDouble());
  }

  @Test
  void paced_load_of_a_counted_span_sends_exactly_that_many_scheduled_requests() throws Exception {
    URI base = serialServer(0);
    AtomicInteger served = new AtomicInteger();
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.paced(3, Duration.ZERO, counted(25), 10, 200))
            .run(
                base,
                random -> {
                  served.incrementAndGet();
                  return "a dog";
                },
                () -> {},
                1);
    assertEquals(25, r.requests());
    assertEquals(25, served.get(), "no send beyond the counted ones");
    assertEquals(0, r.missed());
    assertEquals(0, r.errors());
    assertEquals(25, r.latencyMillis().length);
  }

  @Test
  void paced_latency_counts_the_time_a_request_waited_behind_slow_answers() throws Exception {
    // The server takes at least 50 ms per request, one at a time; 40/s are offered, so each
    // scheduled send finds a longer queue. Measured from the schedule, the last of the 40 sends
    // (scheduled at 975 ms) is answered after all 40 services, at 2 s or later: it waited 1 s or
    // more. A client-side stopwatch started at the actual send would show about 2 x 50 ms (2
    // clients queued on a serial server). A slower machine only makes both bounds hold more.
    URI base = serialServer(50);
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.paced(2, Duration.ZERO, counted(40), 10, 40))
            .run(base, random -> "a dog", () -> {}, 1);
    assertEquals(40, r.requests());
    assertEquals(0, r.missed());
    assertTrue(r.maxMillis() >= 1000, "max latency " + r.maxMillis() + " ms");
    assertTrue(r.qps() <= 21, "achieved " + r.qps() + " QPS on a 20 QPS server");
  }

  @Test
  void closed_loop_of_a_counted_span_measures_exactly_that_many_requests_and_their_errors()
      throws Exception {
    URI base = serialServer(0);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger atMeasureStart = new AtomicInteger(-1);
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.closedLoop(2, Duration.ZERO, counted(7), 10))
            .run(
                base,
                random -> {
                  sent.incrementAndGet();
                  return "bad";
                },
                () -> atMeasureStart.set(sent.get()),
                1);
    assertEquals(7, r.requests());
    assertEquals(7, sent.get(), "no request beyond the count");
    assertEquals(0, atMeasureStart.get(), "without warm-up, measuring starts before any request");
    assertEquals(7, r.errors());
    assertEquals(7, r.completedInWindow());
    assertTrue(r.firstError().startsWith("HTTP 500"), r.firstError());
    assertTrue(r.offeredRate().isEmpty());
  }

  @Test
  void closed_loop_of_a_counted_span_has_no_errors_on_a_healthy_server() throws Exception {
    URI base = serialServer(0);
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.closedLoop(4, Duration.ZERO, counted(40), 10))
            .run(base, random -> "a dog", () -> {}, 1);
    assertEquals(40, r.requests());
    assertEquals(0, r.errors());
    assertEquals("", r.firstError());
    assertEquals(40, r.latencyMillis().length);
  }

  @Test
  void spans_and_settings_reject_empty_measurements() {
    assertThrows(IllegalArgumentException.class, () -> counted(0));
    assertThrows(IllegalArgumentException.class, () -> timed(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> HttpLoadGenerator.Settings.paced(2, Duration.ZERO, counted(1), 10, 0));
  }

  private static HttpLoadGenerator.Span counted(int requests) {
    return new HttpLoadGenerator.Span.Counted(requests);
  }

  private static HttpLoadGenerator.Span timed(Duration duration) {
    return new HttpLoadGenerator.Span.Timed(duration);
  }
}
