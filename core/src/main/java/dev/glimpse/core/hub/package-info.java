/**
 * Model acquisition from the Hugging Face hub, sharing the cache of the Python tools.
 *
 * <p>{@link dev.glimpse.core.hub.ModelLocator} turns a {@code --model} argument (a local directory,
 * or a hub id such as {@code openai/clip-vit-base-patch32@main}) into a local directory that holds
 * a CLIP checkpoint. Hub files are fetched by {@link dev.glimpse.core.hub.HubClient} into the same
 * cache layout that Python's {@code huggingface_hub} uses ({@code models--org--name/blobs}, {@code
 * snapshots/<commit>}, {@code refs/<revision>}), so a model fetched by either side is reused by the
 * other without network access. Configuration comes from the usual environment variables ({@link
 * dev.glimpse.core.hub.HubConfig#fromEnvironment}); failures are reported as {@link
 * dev.glimpse.core.hub.HubException} with a message that says what to do.
 *
 * <p>An index pins the hub commit its vectors came from; {@link
 * dev.glimpse.core.hub.ModelLocator#locateCommit} loads exactly that commit (from the cache without
 * a request, else downloaded at that commit), never the branch's latest.
 */
package dev.glimpse.core.hub;
