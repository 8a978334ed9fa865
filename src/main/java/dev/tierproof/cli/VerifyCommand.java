package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.Reachability;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.analysis.VerifyResult;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.report.VerifyReport;
import dev.tierproof.smt.SolverSession;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify reachable|isolated SRC DST [flow]}: a proof over every flow of the question. Exit 0
 * when the claim holds, 1 when it is violated, 3 when the solver cannot decide.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Proves that some flow is allowed (reachable, printing one) or that none is (isolated),"
            + " over every flow and every endpoint in scope.",
    footer = {
      "%nExamples:",
      "  tierproof -f policies/ verify reachable shop/podA tigera.io --existing",
      "  tierproof -f policies/ verify isolated 'frontend/{app == \"web\"}' payments"
    })
final class VerifyCommand extends Subcommand {

  @Parameters(index = "0", paramLabel = "reachable|isolated", description = "the claim")
  String claim;

  @Option(
      names = "--existing",
      description = "selector references mean the input's endpoints only, not hypothetical ones")
  boolean existing;

  @Mixin QuestionEnds ends = new QuestionEnds();

  @Option(
      names = "--pod-cidr",
      paramLabel = "CIDR",
      description =
          "pods not yet deployed, and workloads without an address, get addresses in this range (repeatable: one per family)")
  List<String> podCidrs = new java.util.ArrayList<>();

  @Mixin FlowOptions flow = new FlowOptions();

  /**
   * A selector reference's not yet deployed pods, and endpoints without an address (spec S5.4), at
   * addresses in {@code pods} (none given: anywhere).
   */
  private static End inPods(End end, List<Cidr> pods) {
    if (pods.isEmpty()) {
      return end;
    }
    return end instanceof End.Hypothetical h
        ? h.inPodCidrs(pods)
        : end instanceof End.Known k ? k.inPodCidrs(pods) : end;
  }

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    SolverSession.preload(); // Z3's native library loads while the YAML is read
    VerifyResult.Claim what =
        claim.equals("reachable")
            ? VerifyResult.Claim.REACHABLE
            : claim.equals("isolated") ? VerifyResult.Claim.ISOLATED : null;
    if (what == null) {
      s.diagnostics.error(
          s.args.span(claim), "`" + claim + "` is not a claim; use `reachable` or `isolated`");
    }
    List<Session.Output> outputs = s.outputs(g);
    FlowSpec spec = flow.spec(s.args, s.diagnostics);
    List<Cidr> pods = new java.util.ArrayList<>();
    for (String text : podCidrs) {
      Optional<Cidr> c = Cidr.parse(text);
      if (c.isEmpty()) {
        s.diagnostics.error(
            s.args.span(text), "`" + text + "` is not a CIDR range (`--pod-cidr 10.48.0.0/16`)");
      } else {
        pods.add(c.get());
      }
    }
    Optional<Session.Question> question =
        s.question(g, ends.source, ends.destination, ends.destinationIp, existing);
    if (question.isEmpty()) {
      return s.fail();
    }
    PolicySet set = question.get().set();
    End from = inPods(question.get().source().end(), pods);
    End to = inPods(question.get().destination().end(), pods);
    s.warn(g);
    VerifyResult solved;
    try (Reachability reachability = new Reachability(set, g.timeoutOrDefault())) {
      solved =
          what == VerifyResult.Claim.REACHABLE
              ? reachability.reachable(from, to, spec)
              : reachability.isolated(from, to, spec);
    }
    // spec S9.3: a witness in a placement no unmodelled element reaches, when there is one
    Evaluator eval = new Evaluator(set);
    VerifyResult result = Relevance.placed(question.get().unmodelled(), eval, solved);
    // spec S9.4
    Caveat caveat =
        Session.caveat(
            g, Relevance.verify(question.get().unmodelled(), set, from, to, result, eval));
    boolean written = s.write(outputs, f -> VerifyReport.render(f, set, from, to, result, caveat));
    if (!written) {
      return s.fail();
    }
    if (caveat.inconclusive() && result.result() != VerifyResult.Result.UNKNOWN) {
      return s.unmodelled(caveat);
    }
    return switch (result.result()) {
      case HOLDS -> ExitCode.OK;
      case VIOLATED -> ExitCode.VIOLATED;
      case UNKNOWN -> {
        s.err.println(
            "tierproof: inconclusive: the solver could not decide"
                + (result.solver().reason() != null ? " (" + result.solver().reason() + ")" : "")
                + "; nothing is proved");
        yield ExitCode.INCONCLUSIVE;
      }
    };
  }
}
