/**
 * Auto-tags: a vocabulary of everyday concepts, prompt-ensembled once per model, and the per-family
 * rule that says which concepts an image vector confidently shows ({@link
 * dev.glimpse.core.tags.AutoTagger}).
 */
package dev.glimpse.core.tags;
