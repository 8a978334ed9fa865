package dev.tierproof.cluster;

import dev.tierproof.smt.SolverSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs seeded cases on up to {@code differential.threads} (default: the cores, at most 4) threads,
 * each with its own solver session, and prints what ran; the first failure (lowest seed) is thrown
 * with the property that replays it.
 */
public final class Runs {

  /** One case: {@code counts} are the figures the run prints, by index of the run's labels. */
  public interface Case {
    void run(long seed, SolverSession session, AtomicLongArray counts) throws Exception;
  }

  private Runs() {}

  /**
   * The number of cases: {@code property} when set, else {@code normal}, or {@code long} with
   * {@code -Ddifferential.long=true} (the long mode, run once per release).
   */
  public static int cases(String property, int normal, int longMode) {
    return Integer.getInteger(
        property, Boolean.getBoolean("differential.long") ? longMode : normal);
  }

  /**
   * Cases {@code first} .. {@code first + cases - 1}; {@code property} names the system property
   * that sets the first seed (the replay hint); {@code labels} name the counts printed.
   */
  public static AtomicLongArray run(
      String name, String property, long first, int cases, List<String> labels, Case c)
      throws Exception {
    long start = System.nanoTime();
    int threads =
        Integer.getInteger(
            "differential.threads",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
    AtomicLongArray counts = new AtomicLongArray(labels.size());
    AtomicInteger next = new AtomicInteger();
    ConcurrentSkipListMap<Long, Throwable> failures = new ConcurrentSkipListMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        workers.add(
            pool.submit(
                () -> {
                  try (SolverSession session = new SolverSession(Duration.ofSeconds(30))) {
                    for (int i = next.getAndIncrement();
                        i < cases && failures.isEmpty();
                        i = next.getAndIncrement()) {
                      long seed = first + i;
                      try {
                        c.run(seed, session, counts);
                      } catch (Throwable t) {
                        failures.put(seed, t);
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    if (!failures.isEmpty()) {
      long seed = failures.firstKey();
      throw new AssertionError(
          name
              + " failed: seed "
              + seed
              + " (replay with -D"
              + property
              + "="
              + seed
              + " -D"
              + property.replace(".seed", ".cases")
              + "=1)",
          failures.get(seed));
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < labels.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(counts.get(i)).append(' ').append(labels.get(i));
    }
    System.out.printf(
        "%s: %d cases in %d ms on %d threads: %s%n",
        name, cases, (System.nanoTime() - start) / 1_000_000, threads, b);
    return counts;
  }
}
