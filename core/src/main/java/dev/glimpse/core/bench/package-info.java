/** Benchmarks behind {@code glimpse bench}: measured in-process, reported as medians. */
package dev.glimpse.core.bench;
