package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.selector.Selector;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResidualTest {

  private static final LabelView NS =
      new LabelView(
          Map.of("projectcalico.org/namespace", "shop", "pcns.team", "a"), Set.of("pcns."));

  private static Selector residual(String selector) throws Exception {
    return Residual.of(Selector.parse(selector), NS);
  }

  @Test
  void of_fixedKeys_foldToConstants() throws Exception {
    assertThat(Residual.isTrue(residual("projectcalico.org/namespace == 'shop'"))).isTrue();
    assertThat(Residual.isFalse(residual("projectcalico.org/namespace == 'other'"))).isTrue();
    assertThat(Residual.isTrue(residual("projectcalico.org/namespace != 'other'"))).isTrue();
    assertThat(Residual.isTrue(residual("pcns.team in {'a', 'b'}"))).isTrue();
  }

  @Test
  void of_closedPrefix_isAbsent() throws Exception {
    assertThat(Residual.isFalse(residual("has(pcns.env)"))).isTrue();
    assertThat(Residual.isTrue(residual("pcns.env != 'prod'"))).isTrue();
    assertThat(Residual.isTrue(residual("pcns.env not in {'prod'}"))).isTrue();
  }

  @Test
  void of_mixed_keepsOnlySymbolicPart() throws Exception {
    assertThat(residual("projectcalico.org/namespace == 'shop' && app == 'web'").canonical())
        .isEqualTo("app == \"web\"");
    assertThat(Residual.isFalse(residual("projectcalico.org/namespace == 'x' && app == 'web'")))
        .isTrue();
    assertThat(Residual.isTrue(residual("has(pcns.team) || app == 'web'"))).isTrue();
    assertThat(residual("!(pcns.team == 'b') && (app == 'a' || role == 'b')").canonical())
        .isEqualTo("(app == \"a\" || role == \"b\")");
    assertThat(Residual.isTrue(residual("global()"))).isTrue();
  }
}
