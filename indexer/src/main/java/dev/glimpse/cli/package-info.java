/**
 * The {@code glimpse} command line: parses and validates arguments, calls {@code core}, renders
 * results, and maps errors to one-line messages and exit codes (0 ok, 1 failure, 2 bad input).
 */
package dev.glimpse.cli;
