/**
 * Turning photo folders into index entries: the incremental, crash-safe indexing pipeline ({@link
 * dev.glimpse.core.indexing.ImageIndexer}) and the folder watcher that keeps an index in step with
 * its folders while it runs ({@link dev.glimpse.core.indexing.FolderWatcher}).
 */
package dev.glimpse.core.indexing;
