/**
 * The JSON search API and web UI host: {@link dev.glimpse.api.SearchApp#create} builds a Javalin
 * app over a {@link dev.glimpse.api.SearchService} (the read-only index, the CLIP model and caches)
 * and an {@link dev.glimpse.api.ApiConfig}.
 *
 * <p>Controllers parse and validate, the service calls core, {@link dev.glimpse.api.ErrorMapper}
 * turns every failure into {@code {"error":{"code","message"}}} with a 4xx or 5xx status. Images
 * are served only by indexed id: no path from a request ever reaches the file system.
 */
package dev.glimpse.api;
