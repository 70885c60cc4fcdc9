package dev.glimpse.core.index;

import java.io.IOException;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;

/**
 * A searcher acquired from a {@link SearcherManager}, released on {@link #close()}, so that every
 * use of the shared reader sits in a try-with-resources block.
 */
final class SearcherLease implements AutoCloseable {
  private final SearcherManager manager;
  private final IndexSearcher searcher;

  private SearcherLease(SearcherManager manager, IndexSearcher searcher) {
    this.manager = manager;
    this.searcher = searcher;
  }

  static SearcherLease acquire(SearcherManager manager) throws IOException {
    return new SearcherLease(manager, manager.acquire());
  }

  IndexSearcher searcher() {
    return searcher;
  }

  @Override
  public void close() throws IOException {
    manager.release(searcher);
  }
}
