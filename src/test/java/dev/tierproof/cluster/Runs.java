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
 * with the property that replays it. A case that runs out of memory beside others runs again alone
 * (the heap is shared); out of memory alone, it fails.
 */
public final class Runs {

  /** One case: {@code counts} are the figures the run prints, by index of the run's labels. */
  public interface Case {
    void run(long seed, SolverSession session, AtomicLongArray counts) throws Exception;
  }

  private Runs() {}

  /**
   * Each solver check's timeout in the suites: {@code -Ddifferential.timeout=MILLIS} (default 30
   * s); a short one replays what a loaded machine does to the suites.
   */
  public static Duration timeout() {
    return Duration.ofMillis(Long.getLong("differential.timeout", 30_000));
  }

  /**
   * The number of cases: {@code property} when set, else {@code normal}, or {@code long} with
   * {@code -Ddifferential.long=true} (the long mode, run once per release).
   */
  public static int cases(String property, int normal, int longMode) {
    return Integer.getInteger(
        property, Boolean.getBoolean("differential.long") ? longMode : normal);
  }

  /**
   * Whether Z3's reason for unknown is its time running out ("timeout", or "canceled" past the work
   * limit): the honest inconclusive answer of a loaded machine, which the suites count and allow;
   * an unknown for any other reason fails them.
   */
  public static boolean outOfTime(String reason) {
    return reason != null && (reason.contains("timeout") || reason.contains("canceled"));
  }

  /**
   * Cases {@code first} .. {@code first + cases - 1}; {@code property} names the system property
   * that sets the first seed (the replay hint); {@code labels} name the counts printed.
   */
  public static AtomicLongArray run(
      String name, String property, long first, int cases, List<String> labels, Case c)
      throws Exception {
    return run(
        name,
        property,
        first,
        cases,
        labels,
        c,
        Integer.getInteger(
            "differential.threads",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()))));
  }

  /** {@link #run} on {@code threads} threads. */
  static AtomicLongArray run(
      String name, String property, long first, int cases, List<String> labels, Case c, int threads)
      throws Exception {
    long start = System.nanoTime();
    AtomicLongArray counts = new AtomicLongArray(labels.size());
    AtomicInteger next = new AtomicInteger();
    ConcurrentSkipListMap<Long, Throwable> failures = new ConcurrentSkipListMap<>();
    ConcurrentSkipListMap<Long, Throwable> crowded = new ConcurrentSkipListMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        workers.add(
            pool.submit(
                () -> {
                  try (SolverSession session = new SolverSession(timeout())) {
                    for (int i = next.getAndIncrement();
                        i < cases && failures.isEmpty();
                        i = next.getAndIncrement()) {
                      long seed = first + i;
                      try {
                        c.run(seed, session, counts);
                      } catch (OutOfMemoryError e) {
                        (threads > 1 ? crowded : failures).put(seed, e);
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
    // the threads share one heap: a case that ran out of memory beside others runs again alone
    // (map --scope any seed 940004 needs most of the default heap by itself)
    for (long seed : crowded.keySet()) {
      if (failures.isEmpty()) {
        try (SolverSession session = new SolverSession(timeout())) {
          c.run(seed, session, counts);
        } catch (Throwable t) {
          failures.put(seed, t);
        }
      }
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
        "%s: %d cases in %d ms on %d threads (%d run again alone after running out of memory"
            + " beside others): %s%n",
        name, cases, (System.nanoTime() - start) / 1_000_000, threads, crowded.size(), b);
    return counts;
  }
}
