package dev.tierproof.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** {@link Runs}: a case out of memory beside others runs again alone (map --scope any 940004). */
class RunsTest {

  @Test
  void run_outOfMemoryBesideOthers_runsAgainAlone() throws Exception {
    Set<Long> ran = ConcurrentHashMap.newKeySet();
    AtomicLongArray counts =
        Runs.run(
            "runs",
            "runs.seed",
            10,
            4,
            List.of("cases passed"),
            (seed, session, n) -> {
              if (seed == 12 && ran.add(seed)) {
                throw new OutOfMemoryError("Java heap space");
              }
              n.incrementAndGet(0);
            },
            2);
    assertThat(counts.get(0)).isEqualTo(4);
  }

  @Test
  void run_outOfMemoryAlone_fails() {
    assertThatThrownBy(
            () ->
                Runs.run(
                    "runs",
                    "runs.seed",
                    10,
                    4,
                    List.of("cases passed"),
                    (seed, session, n) -> {
                      if (seed == 12) {
                        throw new OutOfMemoryError("Java heap space");
                      }
                      n.incrementAndGet(0);
                    },
                    2))
        .hasMessageContaining("seed 12")
        .hasRootCauseInstanceOf(OutOfMemoryError.class);
  }
}
