/**
 * Measurements of core code paths that are run by hand (or by a {@code glimpse bench} command), not
 * as timed unit tests.
 */
package dev.glimpse.core.bench;
