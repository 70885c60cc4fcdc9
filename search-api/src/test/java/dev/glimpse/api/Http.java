package dev.glimpse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A small real-HTTP client for the tests. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final String base;
  private final Map<String, String> headers;

  Http(int port) {
    this(port, Map.of());
  }

  Http(int port, Map<String, String> headers) {
    this.base = "http://127.0.0.1:" + port;
    this.headers = Map.copyOf(headers);
  }

  Http withHeader(String name, String value) {
    var h = new java.util.HashMap<>(headers);
    h.put(name, value);
    return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), h);
  }

  /** A GET of a raw path (sent as is, no encoding). */
  HttpResponse<byte[]> get(String path, String... extraHeaders) throws Exception {
    HttpRequest.Builder b = request(path);
    for (int i = 0; i < extraHeaders.length; i += 2) {
      b.header(extraHeaders[i], extraHeaders[i + 1]);
    }
    return CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> postJson(String path, Object body) throws Exception {
    String json = body instanceof String s ? s : JSON.writeValueAsString(body);
    return CLIENT.send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
    return CLIENT.send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A multipart/form-data POST: text fields, then optionally an {@code image} file part. */
  HttpResponse<byte[]> postMultipart(String path, Map<String, String> fields, byte[] image)
      throws Exception {
    String boundary = "glimpse-test-boundary-7d1f";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      write(out, "--" + boundary + "\r\n");
      write(out, "Content-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n");
      write(out, f.getValue() + "\r\n");
    }
    if (image != null) {
      write(out, "--" + boundary + "\r\n");
      write(out, "Content-Disposition: form-data; name=\"image\"; filename=\"upload.jpg\"\r\n");
      write(out, "Content-Type: application/octet-stream\r\n\r\n");
      out.write(image);
      write(out, "\r\n");
    }
    write(out, "--" + boundary + "--\r\n");
    return post(path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> r) throws IOException {
    return JSON.readTree(r.body());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    headers.forEach(b::header);
    return b;
  }

  private static void write(ByteArrayOutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }
}
