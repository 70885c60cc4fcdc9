package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI spec documents exactly the parameters and body fields the server accepts: the sets
 * the server checks requests against ({@link AllowedFields}, which turn anything else into a 400)
 * must equal the spec's, so a new parameter cannot ship undocumented.
 */
class OpenApiCoverageTest {
  private static JsonNode spec() throws Exception {
    try (InputStream in =
        OpenApiCoverageTest.class.getResourceAsStream("/dev/glimpse/api/openapi.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static Set<String> queryParams(JsonNode operation) {
    Set<String> out = new TreeSet<>();
    for (JsonNode p : operation.get("parameters")) {
      if (p.get("in").asText().equals("query")) {
        out.add(p.get("name").asText());
      }
    }
    return out;
  }

  private static Set<String> bodyFields(JsonNode operation) {
    Set<String> out = new TreeSet<>();
    operation
        .at("/requestBody/content/application~1json/schema/properties")
        .fieldNames()
        .forEachRemaining(out::add);
    return out;
  }

  @Test
  void get_search_documents_every_accepted_query_parameter() throws Exception {
    JsonNode get = spec().at("/paths/~1api~1search/get");
    assertEquals(new TreeSet<>(AllowedFields.SEARCH_QUERY), queryParams(get));
  }

  @Test
  void post_search_documents_every_accepted_body_field() throws Exception {
    JsonNode post = spec().at("/paths/~1api~1search/post");
    assertEquals(new TreeSet<>(AllowedFields.SEARCH_BODY), bodyFields(post));
  }
}
