package dev.tierproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.lint.Lint;
import dev.tierproof.load.Loader;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress of long runs: one rewritten stderr line on a terminal, erased before the report. */
class ProgressTest {

  @Test
  void terminal_quietForASecond_thenOneLineRewritten_thenErased() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    new TerminalProgress(err, "lint").at("rules", 1, 4);
    assertThat(bytes.size()).as("a run shorter than a second shows nothing").isZero();
    TerminalProgress p = new TerminalProgress(err, "lint", System.nanoTime() - 2_000_000_000L);
    p.at("rules", 1, 4);
    p.at("rules", 2, 4); // within a quarter second of the last line: skipped
    p.at("rules", 4, 4); // the end is always shown
    p.clear();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "\r\033[Ktierproof: lint: 1/4 rules (25%)\r\033[Ktierproof: lint: 4/4 rules (100%)\r\033[K");
  }

  @Test
  void lint_reportsEveryRuleItSolves() {
    Diagnostics d = new Diagnostics();
    PolicySet set =
        Loader.input(Loader.read(List.of("examples/lint"), List.of(), null, d), d).set();
    List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
    Progress record = (what, done, total) -> seen.add(new int[] {done, total});
    Lint.run(set, new Lint.Options(null, Duration.ofSeconds(30), record));
    assertThat(seen).isNotEmpty();
    int[] last = seen.get(seen.size() - 1);
    assertThat(last[0]).isEqualTo(last[1]).isPositive();
    for (int i = 1; i < seen.size(); i++)
      assertThat(seen.get(i)[0]).isGreaterThan(seen.get(i - 1)[0]);
  }
}
