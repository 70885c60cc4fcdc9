package dev.glimpse.core.clip;

import dev.glimpse.core.dnnl.Call;
import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * One oneDNN tower's execution plans, its stream and its lock. The few most recently used plans
 * stay (each owns its buffers and recorded calls), so steady-state encoding allocates no native
 * memory. One call runs at a time: oneDNN already spreads each call over every core, and a stream
 * and a plan's buffers serve one call only.
 */
final class DnnlPlans implements AutoCloseable {
  /**
   * Buffers and calls for one batch shape: the caller fills {@code input} (may be null) and the
   * rows of {@code x} the calls do not write, runs {@code calls} and reads {@code output}.
   */
  record Plan(
      DnnlScope scope, NativeBuffer input, NativeBuffer x, List<Call> calls, NativeBuffer output) {}

  /** Uses a plan under the lock. */
  interface Use<T> {
    T apply(Plan plan, Runner runner);
  }

  /** Runs a plan's calls on this tower's stream and waits for them. */
  interface Runner {
    void run(List<Call> calls);
  }

  private final dnnl_stream stream;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Plan> plans;
  private boolean closed; // guarded by lock

  DnnlPlans(dnnl_stream stream, int maxPlans) {
    this.stream = stream;
    this.plans =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Plan> eldest) {
            if (size() > maxPlans) {
              eldest.getValue().scope().close();
              return true;
            }
            return false;
          }
        };
  }

  /**
   * The plan for {@code key}, built by {@code build} into a fresh scope if absent, used by {@code
   * use}.
   */
  <T> T with(long key, Function<DnnlScope, Plan> build, Use<T> use) {
    lock.lock();
    try {
      if (closed) {
        // The weights the plans point at are freed: running now would read freed native memory.
        throw new IllegalStateException("the model is closed");
      }
      Plan p = plans.get(key);
      if (p == null) {
        DnnlScope scope = new DnnlScope();
        try {
          p = build.apply(scope);
        } catch (RuntimeException | Error e) {
          scope.close();
          throw e;
        }
        plans.put(key, p);
      }
      return use.apply(p, this::run);
    } finally {
      lock.unlock();
    }
  }

  private void run(List<Call> calls) {
    for (Call c : calls) {
      c.execute(stream);
    }
    Dnnl.await(stream);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Plan p : plans.values()) {
        p.scope().close();
      }
      plans.clear();
    } finally {
      lock.unlock();
    }
  }
}
