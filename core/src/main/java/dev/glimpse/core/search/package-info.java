/**
 * Hybrid search: one query runs the vector search and the keyword search over the photos' words and
 * fuses their rankings ({@link dev.glimpse.core.search.RankFusion}), then removes the hits of
 * excluded concepts ({@link dev.glimpse.core.search.Exclusion}). Free of Lucene types: it works
 * through {@link dev.glimpse.core.index.VectorStore}-shaped retrieval.
 */
package dev.glimpse.core.search;
