/**
 * The search a user runs: {@link dev.glimpse.core.search.HybridSearch} takes one query through the
 * vector search judged by the relevance cut-off ({@link
 * dev.glimpse.core.relevance.RelevantSearch}), the keyword search over the photos' words, their
 * fusion ({@link dev.glimpse.core.search.RankFusion}), the exclusions ({@link
 * dev.glimpse.core.search.Exclusion}), near-duplicate collapsing and the requested order, for the
 * API and the CLI alike. {@link dev.glimpse.core.search.QueryText} parses the text a user types
 * (phrases, {@code -word}). Free of Lucene types: it works through {@link
 * dev.glimpse.core.index.VectorStore}-shaped retrieval.
 */
package dev.glimpse.core.search;
