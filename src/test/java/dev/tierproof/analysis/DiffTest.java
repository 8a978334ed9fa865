package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.DiffResult.ChangeClass;
import dev.tierproof.analysis.DiffResult.Kind;
import dev.tierproof.load.Loader;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {

  static PolicySet files(String... paths) {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(Loader.read(List.of(paths), new ByteArrayInputStream(new byte[0]), d), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  static DiffResult diff(PolicySet base, PolicySet current) {
    return Diff.run(base, current, Duration.ofSeconds(30), Diff.DEFAULT_MAX_CLASSES);
  }

  static String show(DiffResult r) {
    StringBuilder out = new StringBuilder(r.status() + " " + r.reason() + " " + r.stats() + "\n");
    for (ChangeClass c : r.classes()) {
      out.append(c.kind().text()).append(": ").append(c.source().display()).append(" -> ")
          .append(c.destination().display()).append(" ").append(DiffResult.packets(c.packets()))
          .append("  e.g. ").append(c.witness()).append('\n');
    }
    return out.toString();
  }

  @Test
  void run_sameSet_completeWithoutClasses() {
    PolicySet base = files("../../examples/zero-trust".substring(6));
    DiffResult r = diff(base, files("examples/zero-trust"));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).isEmpty();
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void run_openPostgres_oneOpenedClass() {
    PolicySet base = files("examples/zero-trust");
    PolicySet current = files("examples/zero-trust", "examples/zero-trust-pr");
    DiffResult r = diff(base, current);
    System.out.println(show(r));
    assertThat(r.status()).isEqualTo(DiffResult.Status.COMPLETE);
    assertThat(r.classes()).hasSize(1);
    ChangeClass c = r.classes().get(0);
    assertThat(c.kind()).isEqualTo(Kind.OPENED);
    assertThat(c.source().display()).isEqualTo("red/{app == \"api\"}");
    assertThat(c.destination().display()).isEqualTo("blue/{app == \"db\"} (hypothetical pods not at 169.254.169.254)");
    assertThat(DiffResult.packets(c.packets())).isEqualTo("TCP 5432");
  }
}
