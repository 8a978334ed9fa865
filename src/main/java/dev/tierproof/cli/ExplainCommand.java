package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.References.Concrete;
import dev.tierproof.analysis.References.Resolved;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Verdict;
import dev.tierproof.model.Flow;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.report.ExplainReport;
import dev.tierproof.report.Format;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code explain SRC DST [flow]}: one concrete flow, its verdict and what decided it. Exit 0 when
 * answered.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "One concrete flow: the verdict and the deciding tier, policy and rule at each enforcement point.",
    footer = {
      "%nExamples:",
      "  tierproof -f examples/quiz/allow-in-tier1.yaml explain shop/podA tigera.io",
      "  tierproof -f policies/ explain web/web-0 pay/api-0 --port 8443 -o json"
    })
final class ExplainCommand extends Subcommand {

  @Mixin QuestionEnds ends = new QuestionEnds();

  @Mixin FlowOptions flow = new FlowOptions();

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    List<Session.Output> outputs = s.outputs(g);
    FlowSpec spec = flow.spec(s.args, s.diagnostics);
    Optional<Session.Question> question =
        s.question(g, ends.source, ends.destination, ends.destinationIp, false);
    if (question.isEmpty()) {
      return s.fail();
    }
    PolicySet set = question.get().set();
    Resolved from = question.get().source();
    Resolved to = question.get().destination();
    Optional<Concrete> concrete =
        References.concrete(from, to, spec, set, s.args.span("explain"), s.diagnostics);
    if (concrete.isEmpty()) {
      return s.fail();
    }
    s.warn(g);
    Evaluator evaluator = new Evaluator(set);
    // spec S6.10: the answer crosses one interface choice of each end's node (the last drawn: an
    // interface without a host endpoint of its own); the others are noted where they differ
    Concrete c = concrete.get();
    Flow answer =
        evaluator.placements(c.flow()).stream()
            .filter(p -> java.util.Objects.equals(p.ends().source(), c.flow().ends().source()))
            .filter(
                p ->
                    java.util.Objects.equals(p.ends().destination(), c.flow().ends().destination()))
            .reduce((a, b) -> b)
            .orElse(c.flow());
    Verdict verdict = evaluator.evaluate(answer);
    List<String> notes = new java.util.ArrayList<>(c.notes());
    List<dev.tierproof.model.Unmodelled> unmodelled = question.get().unmodelled();
    // spec S9.3, S9.4: the answer is inconclusive when what is not modelled acts on the flow as
    // placed there; each other placement's note on its own
    Caveat caveat = Session.caveat(g, Relevance.verdict(unmodelled, answer, verdict, evaluator));
    List<dev.tierproof.model.Unmodelled> acting = new java.util.ArrayList<>(caveat.elements());
    // spec S6.10: where the input settles nat-outgoing's masquerade, the verdict from each address
    List<dev.tierproof.analysis.Masquerading.Translation> masqueraded =
        dev.tierproof.analysis.Masquerading.translations(
            caveat.elements(), answer, verdict, evaluator);
    notes.addAll(dev.tierproof.analysis.Masquerading.notes(masqueraded, answer));
    // spec S6.10-S6.12: a workload that names no node may run on the host endpoint's node, or on
    // a node whose forward chain is walked, too; of a flow between two such workloads, whose
    // placements grow as the square of the walked nodes, and of the other interface choices, only
    // those whose verdict differs (or that are inconclusive) are noted
    List<ExplainReport.Placed> others = new java.util.ArrayList<>();
    boolean pods = Flow.betweenWorkloads(c.flow().source(), c.flow().destination());
    for (Flow p : evaluator.placements(c.flow())) {
      if (!p.equals(answer)) {
        Verdict v = evaluator.evaluate(p);
        Caveat here = Session.caveat(g, Relevance.verdict(unmodelled, p, v, evaluator));
        boolean crossing =
            java.util.Objects.equals(p.ends().source(), answer.ends().source())
                && java.util.Objects.equals(p.ends().destination(), answer.ends().destination());
        boolean routed = p.transit() != null; // spec S6.11: only the routes that differ
        if ((pods || crossing || routed)
            && v.allowed() == verdict.allowed()
            && !here.inconclusive()) {
          continue;
        }
        others.add(new ExplainReport.Placed(p, v, here));
        here.elements().stream().filter(u -> !acting.contains(u)).forEach(acting::add);
        notes.add(
            (p.local()
                    ? "placed on the host endpoint's node, "
                    : routed
                        ? "routed through node " + p.transit() + ", "
                        : crossing
                            ? "by another interface, "
                            : pods
                                ? "placed " + where(p) + ", "
                                : "placed on node " + p.placement() + ", ")
                + placed(p, v)
                + (here.inconclusive()
                    ? "; inconclusive there: " + Session.names(here) + " could change it"
                    : ""));
      }
    }
    if (outputs.stream().noneMatch(o -> o.format() == Format.TEXT && o.file() == null)) {
      notes.forEach(n -> s.err.println("note: " + n));
    }
    boolean written =
        s.write(
            outputs,
            f ->
                ExplainReport.render(
                    f,
                    new ExplainReport.Explanation(
                        set, from.end(), to.end(), answer, verdict, notes, others, masqueraded),
                    caveat));
    if (!written) {
      return s.fail();
    }
    // spec S9.4: exit 3 when the answer or a placement's note is inconclusive
    Caveat any = Session.caveat(g, acting);
    return any.inconclusive() ? s.unmodelled(any) : ExitCode.OK;
  }

  /**
   * {@code "with shop/a on node n1 and shop/b elsewhere"}: where {@code f} places its ends naming
   * no node.
   */
  private static String where(Flow f) {
    List<String> ends = new java.util.ArrayList<>();
    for (boolean source : List.of(true, false)) {
      dev.tierproof.model.Endpoint e = source ? f.source() : f.destination();
      if (e != null && !e.isHost() && e.node() == null) {
        String node = f.placedOn(source);
        ends.add(e.ref() + (node == null ? " elsewhere" : " on node " + node));
      }
    }
    return "with " + String.join(" and ", ends);
  }

  /** {@code the flow is allowed: TCP ... (n1-eth0 -> app/web on node n1)}. */
  private static String placed(Flow f, Verdict v) {
    return "the flow is " + (v.allowed() ? "allowed" : "denied") + ": " + f.describe();
  }
}
