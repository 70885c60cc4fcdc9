/**
 * How relevant a search hit is, judged from the query's own score distribution rather than from a
 * fixed score threshold (cosine scores of different models, and of different queries with one
 * model, have no common scale).
 *
 * <ul>
 *   <li>{@link dev.glimpse.core.relevance.RelevanceCutoff} fits a background model to the scores of
 *       every image (or a sample of them) for one query and turns it into a {@link
 *       dev.glimpse.core.relevance.RelevanceModel}.
 *   <li>{@link dev.glimpse.core.relevance.RelevanceModel} labels a score {@link
 *       dev.glimpse.core.relevance.Relevance#STRONG strong}, {@link
 *       dev.glimpse.core.relevance.Relevance#WEAK weak} or {@link
 *       dev.glimpse.core.relevance.Relevance#BELOW below}, with its z-score and e-value.
 *   <li>{@link dev.glimpse.core.relevance.RelevantSearch} runs a search through the model: the
 *       relevant set, its counts, and pages of it ordered by relevance or by date ({@link
 *       dev.glimpse.core.relevance.HitOrder}); {@link dev.glimpse.core.search.HybridSearch} builds
 *       the whole search (words, exclusions, duplicates) on it.
 * </ul>
 */
package dev.glimpse.core.relevance;
