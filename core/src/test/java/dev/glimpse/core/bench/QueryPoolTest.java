package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryPoolTest {
  @Test
  void queries_are_distinct_and_repeatable_for_a_seed() {
    List<String> a = QueryPool.generate(5000, 3);
    assertEquals(5000, new HashSet<>(a).size());
    assertEquals(a, QueryPool.generate(5000, 3));
    assertTrue(!a.equals(QueryPool.generate(5000, 4)));
  }

  @Test
  void queries_read_like_searches() {
    for (String q : QueryPool.generate(500, 1)) {
      assertTrue(q.matches("[a-z ]+"), q);
      assertTrue(!q.contains("  ") && !q.startsWith(" ") && !q.endsWith(" "), q);
      assertTrue(q.split(" ").length >= 2 && q.split(" ").length <= 10, q);
    }
  }

  @Test
  void refuses_an_empty_pool() {
    assertThrows(IllegalArgumentException.class, () -> QueryPool.generate(0, 1));
  }
}
