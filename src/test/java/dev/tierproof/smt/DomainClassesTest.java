package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainClassesTest {

  private final DomainClasses classes =
      new DomainClasses(
          new LinkedHashSet<>(
              List.of("tigera.io", "*.tigera.io", "x.tigera.io", "*.io", "A.example.COM.")));

  @Test
  void classOf_namesMatchingTheSamePatterns_shareAClass() {
    assertThat(classes.classOf("www.tigera.io")).isEqualTo(classes.classOf("a.b.tigera.io"));
    assertThat(classes.classOf("www.tigera.io")).isNotEqualTo(classes.classOf("x.tigera.io"));
    assertThat(classes.classOf("TIGERA.io.")).isEqualTo(classes.classOf("tigera.io"));
    assertThat(classes.classOf("a.example.com")).isNotZero();
    assertThat(classes.classOf("example.org")).isZero();
    assertThat(classes.classOf(null)).isZero();
  }

  @Test
  void representative_matchesExactlyItsClassPatterns() {
    for (int i = 0; i < classes.size(); i++) {
      String name = classes.representative(i);
      assertThat(classes.classOf(name)).isEqualTo(i);
    }
    assertThat(classes.representative(0)).isNull();
    int io = classes.classOf("other.io");
    assertThat(classes.matching(List.of("*.io")))
        .contains(io, classes.classOf("tigera.io"), classes.classOf("www.tigera.io"));
    assertThat(classes.matching(List.of("*.tigera.io")))
        .doesNotContain(io, classes.classOf("tigera.io"));
  }
}
