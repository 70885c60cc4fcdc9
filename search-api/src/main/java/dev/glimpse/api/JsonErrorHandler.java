package dev.glimpse.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (requests rejected before they reach Javalin, e.g. a URI with an
 * encoded NUL) in the API's JSON error shape instead of Jetty's HTML page, without the cause.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String body =
        "{\"error\":{\"code\":\""
            + ErrorMapper.codeFor(code)
            + "\",\"message\":\""
            + (code >= 500 ? "internal server error" : "request rejected by the server")
            + "\"}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
