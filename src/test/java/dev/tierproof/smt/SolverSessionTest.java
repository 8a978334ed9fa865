package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.Context;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SolverSessionTest {

  private static final PolicySet EMPTY =
      new PolicySet(List.of(), List.of(), List.of(), Map.of(), Map.of());

  @Test
  void preload_thenSession_works() {
    SolverSession.preload();
    try (SolverSession s = new SolverSession(Duration.ofSeconds(5))) {
      Network n = Network.encode(EMPTY, s);
      try (Query q =
          n.query(List.of(Outside.in(null, null)), List.of(Outside.in(null, null)), FlowSpec.ANY)) {
        Answer a = q.allowed();
        assertThat(a.flow().protocol()).isEqualTo(dev.tierproof.model.Protocols.TCP);
        assertThat(a.flow().destinationDomain()).isNull();
        assertThat(a.flow().sourcePort()).isBetween(32768, 60999);
      }
    }
  }

  @Test
  void encode_afterClose_failsFast() {
    SolverSession s = new SolverSession(Duration.ofSeconds(5));
    s.close();
    assertThat(s.isClosed()).isTrue();
    assertThatThrownBy(() -> Network.encode(EMPTY, s)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void query_whileAnotherIsOpen_failsFast() {
    try (SolverSession s = new SolverSession(Duration.ofSeconds(5))) {
      Network n = Network.encode(EMPTY, s);
      List<Side> world = List.of(Outside.in(null, null));
      try (Query q = n.query(world, world, FlowSpec.ANY)) {
        assertThatThrownBy(() -> n.query(world, world, FlowSpec.ANY))
            .isInstanceOf(IllegalStateException.class);
        assertThat(q.allowed().status()).isEqualTo(SolverSession.Status.SAT);
      }
      try (Query q = n.query(world, world, FlowSpec.ANY)) {
        assertThat(q.denied().status()).isEqualTo(SolverSession.Status.UNSAT);
      }
    }
  }

  @Test
  void query_afterClose_failsFast() {
    try (SolverSession s = new SolverSession(Duration.ofSeconds(5))) {
      Network n = Network.encode(EMPTY, s);
      List<Side> world = List.of(Outside.in(null, null));
      Query q = n.query(world, world, FlowSpec.ANY);
      q.close();
      assertThatThrownBy(q::allowed).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void check_hardProblemPastTimeout_unknownWithReason() {
    try (SolverSession s = new SolverSession(Duration.ofMillis(1))) {
      Context ctx = s.ctx();
      BitVecExpr x = ctx.mkBVConst("x", 128);
      BitVecExpr y = ctx.mkBVConst("y", 128);
      BigInteger n =
          new BigInteger("18446744073709551557").multiply(new BigInteger("18446744073709551533"));
      BitVecExpr max = ctx.mkBV(new BigInteger("18446744073709551615").toString(), 128);
      s.push();
      s.add(ctx.mkEq(ctx.mkBVMul(x, y), ctx.mkBV(n.toString(), 128)));
      s.add(ctx.mkBVULE(x, max));
      s.add(ctx.mkBVULE(y, max));
      s.add(ctx.mkBVUGT(x, ctx.mkBV(1, 128)));
      s.add(ctx.mkBVUGT(y, ctx.mkBV(1, 128)));
      SolverSession.Check c = s.check();
      s.pop();
      assertThat(c.status()).isEqualTo(SolverSession.Status.UNKNOWN);
      assertThat(c.reason()).isNotBlank();
    }
  }

  @Test
  void check_pastTheWorkLimit_freshSolverAnswersWithModelAndCore() {
    try (SolverSession s = new SolverSession(Duration.ofSeconds(10), 1)) {
      Context ctx = s.ctx();
      BitVecExpr x = ctx.mkBVConst("x", 32);
      BitVecExpr y = ctx.mkBVConst("y", 32);
      s.push();
      s.add(ctx.mkEq(ctx.mkBVMul(x, y), ctx.mkBV(391, 32))); // 17 * 23
      s.add(ctx.mkBVULT(x, y));
      s.add(ctx.mkBVUGT(x, ctx.mkBV(1, 32)));
      s.add(ctx.mkBVULT(y, ctx.mkBV(1000, 32)));
      SolverSession.Check sat = s.check();
      assertThat(sat.fresh()).isTrue();
      assertThat(sat.status()).isEqualTo(SolverSession.Status.SAT);
      long vx = ((com.microsoft.z3.BitVecNum) sat.model().eval(x, true)).getLong();
      long vy = ((com.microsoft.z3.BitVecNum) sat.model().eval(y, true)).getLong();
      assertThat(vx * vy % (1L << 32)).isEqualTo(391);
      var a = ctx.mkBoolConst("a");
      var b = ctx.mkBoolConst("b");
      var c = ctx.mkBoolConst("c");
      s.add(ctx.mkImplies(a, ctx.mkEq(x, ctx.mkBV(3, 32))));
      s.add(ctx.mkImplies(b, ctx.mkEq(y, ctx.mkBV(5, 32))));
      SolverSession.Check unsat = s.check(a, b, c);
      assertThat(unsat.fresh()).isTrue();
      assertThat(unsat.status()).isEqualTo(SolverSession.Status.UNSAT);
      assertThat(java.util.Arrays.stream(s.core()).map(Object::toString))
          .doesNotContain("c")
          .isNotEmpty();
      s.pop();
    }
    // the default limit: the incremental solver answers an easy question itself
    try (SolverSession s = new SolverSession(Duration.ofSeconds(10))) {
      Context ctx = s.ctx();
      BitVecExpr x = ctx.mkBVConst("x", 8);
      s.push();
      s.add(ctx.mkEq(ctx.mkBVAdd(x, ctx.mkBV(1, 8)), ctx.mkBV(5, 8)));
      SolverSession.Check easy = s.check();
      assertThat(easy.fresh()).isFalse();
      assertThat(((com.microsoft.z3.BitVecNum) easy.model().eval(x, true)).getInt()).isEqualTo(4);
      s.pop();
    }
  }
}
