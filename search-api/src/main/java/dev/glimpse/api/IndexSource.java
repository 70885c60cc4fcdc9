package dev.glimpse.api;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.util.Objects;

/**
 * Where a server's index and model come from, so that it can follow a model switch: when a {@code
 * glimpse index --reindex} makes another generation of the index current, the server opens that
 * generation with its own model and swaps both at once (see {@link SearchService#refresh()}).
 */
public interface IndexSource {
  /**
   * An opened generation: its index, the model that made its vectors, and what closes both.
   *
   * @param generation the generation's name, compared with {@link #isCurrent(String)}
   * @param store the index, read-only
   * @param model the model its vectors came from
   * @param closer closes the store and the model; called once no request uses them any more
   */
  record Opened(String generation, VectorStore store, ClipModel model, AutoCloseable closer) {
    /** Validates the values. */
    public Opened {
      Objects.requireNonNull(generation, "generation");
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(closer, "closer");
    }
  }

  /**
   * Opens the current generation and loads its model.
   *
   * @return the opened generation; the caller closes it through {@link Opened#closer()}
   * @throws IOException if the index or the model cannot be opened
   */
  Opened openCurrent() throws IOException;

  /**
   * Whether a generation is still the current one; cheap, asked on every refresh tick.
   *
   * @param generation a name from {@link Opened#generation()}
   * @return false once another generation has been made current
   * @throws IOException if the index folder cannot be read
   */
  boolean isCurrent(String generation) throws IOException;
}
