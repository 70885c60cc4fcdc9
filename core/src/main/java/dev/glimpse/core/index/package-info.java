/**
 * The image index: an embedded Lucene index with an HNSW vector field, one document per photo.
 *
 * <ul>
 *   <li>{@link dev.glimpse.core.index.VectorStore} is the small, Lucene-free interface the indexer,
 *       CLI and server use; {@link dev.glimpse.core.index.LuceneVectorStore} implements it, in a
 *       writable mode (one writer per index directory, near-real-time reads of its own writes) and
 *       a read-only mode that follows another process's commits.
 *   <li>{@link dev.glimpse.core.index.IndexSchema} owns the field names, the vector similarity (dot
 *       product of unit vectors, i.e. cosine) and the codec (HNSW parameters, optional int8
 *       quantisation).
 *   <li>{@link dev.glimpse.core.index.MetadataReader} reads size, format and EXIF (date, camera,
 *       GPS) without decoding pixels; {@link dev.glimpse.core.index.ContentHash} hashes file
 *       content so identical files share one vector.
 *   <li>Every commit records the {@link dev.glimpse.core.index.ModelManifest} of the model that
 *       produced the vectors, pinned to a hub commit or to a local folder's {@link
 *       dev.glimpse.core.index.WeightsFingerprint}, a summary of the indexing run, the {@link
 *       dev.glimpse.core.index.Roots} that stored paths are relative to, and the remembered
 *       indexing options ({@link dev.glimpse.core.index.IndexSettings}).
 *   <li>{@link dev.glimpse.core.index.IndexHome} holds an index's generations: complete indexes
 *       built with one model each, and the pointer to the current one that a model switch replaces
 *       atomically.
 * </ul>
 *
 * <p>Durability: writes are durable at {@link dev.glimpse.core.index.VectorStore#commit commit};
 * after a crash the index reopens at its last commit.
 */
package dev.glimpse.core.index;
