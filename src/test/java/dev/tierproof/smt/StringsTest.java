package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.z3.CharSort;
import com.microsoft.z3.Context;
import com.microsoft.z3.SeqExpr;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringsTest {

  @Test
  void literal_roundTripsThroughAModel() {
    String backslashU = "\\" + "u{41}";
    List<String> values =
        List.of(
            "",
            "web",
            "a\\b",
            backslashU,
            "caf\u00e9",
            "tab\there",
            "\"quoted\"",
            "x\u0000y",
            "smile\uD83D\uDE00");
    try (SolverSession s = new SolverSession(Duration.ofSeconds(5))) {
      Context ctx = s.ctx();
      for (String v : values) {
        SeqExpr<CharSort> x = (SeqExpr<CharSort>) ctx.mkConst("x", ctx.getStringSort());
        s.push();
        s.add(ctx.mkEq(x, Strings.literal(ctx, v)));
        SolverSession.Check c = s.check();
        String decoded = Strings.decode(((SeqExpr<?>) c.model().eval(x, true)).getString());
        s.pop();
        assertThat(decoded).as("value %s", v).isEqualTo(v);
      }
    }
  }
}
