package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    // 100 requests/s over 4 clients: one every 40 ms per client, staggered by 10 ms; a 1 s window
    // holds exactly 100 scheduled sends whatever the machine's speed.
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.paced(
                    4, Duration.ofMillis(200), Duration.ofSeconds(1), 10, 100))
            .run(base, random -> "a dog", () -> {}, 1);
    assertEquals(100, r.requests());
    assertEquals(0, r.missed());
    assertEquals(0, r.errors());
    assertEquals(100.0, r.offeredRate().getAsDouble());
  }

  @Test
  void paced_latency_counts_the_time_a_request_waited_behind_slow_answers() throws Exception {
    // The server answers 20 requests/s at most; 40/s are offered, so each scheduled send finds a
    // longer queue. Measured from the schedule, the last requests of a 1 s window waited about
    // 0.5 s more than the first; a client-side stopwatch started at the actual send would show
    // about 2 x 50 ms at most (2 clients queued on a serial server).
    URI base = serialServer(50);
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.paced(2, Duration.ZERO, Duration.ofSeconds(1), 10, 40))
            .run(base, random -> "a dog", () -> {}, 1);
    assertEquals(40, r.requests());
    assertTrue(r.maxMillis() >= 400, "max latency " + r.maxMillis() + " ms");
    assertTrue(r.qps() <= 21, "achieved " + r.qps() + " QPS on a 20 QPS server");
  }

  @Test
  void closed_loop_counts_error_statuses() throws Exception {
    URI base = serialServer(0);
    HttpLoadGenerator.Result r =
        new HttpLoadGenerator(
                HttpLoadGenerator.Settings.closedLoop(2, Duration.ZERO, Duration.ofMillis(300), 10)
                    .withMinRequests(6))
            .run(base, random -> "bad", () -> {}, 1);
    assertTrue(r.requests() >= 6, "at least the minimum is measured: " + r.requests());
    assertEquals(r.requests(), r.errors());
    assertTrue(r.firstError().startsWith("HTTP 500"), r.firstError());
    assertTrue(r.offeredRate().isEmpty());
  }
}
