package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.VerifyResult;
import dev.tierproof.analysis.VerifyResult.Blocker;
import dev.tierproof.analysis.VerifyResult.Result;
import dev.tierproof.model.PolicySet;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@code verify reachable|isolated}: the claim's result, the witness flow (replayed
 * through eval) when an allowed flow exists, else every enforcement point that blocks, and the
 * solver's status. JSON is design.md §2 "verify JSON" exactly.
 */
public final class VerifyReport {

  private VerifyReport() {}

  public static String render(
      Format format, PolicySet set, End source, End destination, VerifyResult result) {
    return render(format, set, source, destination, result, Caveat.NONE);
  }

  /**
   * As above, with what the input holds that tierproof does not model: when {@code caveat} is
   * inconclusive the result is {@code unknown}, the elements are named, and what the modelled input
   * alone gives follows (its witness; JSON keeps the witness and drops the blockers).
   */
  public static String render(
      Format format,
      PolicySet set,
      End source,
      End destination,
      VerifyResult result,
      Caveat caveat) {
    return switch (format) {
      case TEXT -> text(set, source, destination, result, caveat);
      case JSON -> Json.write(json(result, caveat));
      default ->
          throw new IllegalArgumentException("this report has no " + format.key() + " format");
    };
  }

  /**
   * {@code {claim, result, witness?{<flow>, explanation}, blockers?[{endpoint, direction,
   * decidedBy}], solver{status, millis, reason?}}}: {@code witness} when an allowed flow exists,
   * {@code blockers} when the solver proved none does.
   */
  static ObjectNode json(VerifyResult r) {
    return json(r, Caveat.NONE);
  }

  static ObjectNode json(VerifyResult r, Caveat caveat) {
    ObjectNode out = Json.object();
    out.put("claim", r.claim().json());
    out.put("result", caveat.inconclusive() ? Result.UNKNOWN.json() : r.result().json());
    if (r.witness() != null) {
      ObjectNode witness = out.putObject("witness");
      Json.fill(witness, r.witness());
      witness.set("explanation", Json.explanation(r.witness(), r.explanation()));
    } else if (r.result() != Result.UNKNOWN && !caveat.inconclusive()) {
      var blockers = out.putArray("blockers");
      for (Blocker b : r.blockers()) {
        ObjectNode o = blockers.addObject();
        o.put("endpoint", b.endpoint().ref());
        o.put("direction", b.direction().json());
        if (b.forward() && b.example() != null && b.example().local()) {
          o.put("local", true); // spec S6.12: the local pre-DNAT path
        } else if (b.forward()) {
          o.put("forward", true); // spec S6.11: a side of a host endpoint's forward chain
        }
        o.set("decidedBy", Json.decision(b.decidedBy()));
      }
      out.put("blockersComplete", r.blockersIncomplete() == null);
      if (r.blockersIncomplete() != null) {
        out.put("blockersIncompleteReason", r.blockersIncomplete());
      }
    }
    ObjectNode solver = out.putObject("solver");
    solver.put("status", r.solver().status());
    solver.put("millis", r.solver().millis());
    if (r.solver().reason() != null) {
      solver.put("reason", r.solver().reason());
    }
    Caveats.json(out, caveat);
    return out;
  }

  static String text(PolicySet set, End source, End destination, VerifyResult r, Caveat caveat) {
    List<String> out = new ArrayList<>();
    String claim =
        r.claim().json() + " " + Text.name(source) + " -> " + Text.name(destination) + ": ";
    String head = claim + r.result().json();
    if (caveat.inconclusive()) {
      out.add(claim + Result.UNKNOWN.json() + ": not proved");
      out.addAll(Caveats.lines(caveat));
      head = "ignoring them, " + head;
    }
    if (r.result() == Result.UNKNOWN) {
      out.add(
          head
              + ": the solver could not decide"
              + (r.solver().reason() != null ? " (" + r.solver().reason() + ")" : ""));
    } else if (r.witness() != null) {
      out.add(head + ": this flow is allowed");
      for (String line :
          ExplainReport.lines(set, source, destination, r.witness(), r.explanation(), List.of())) {
        out.add(line.isEmpty() ? "" : "  " + line);
      }
    } else {
      out.add(head + ": no flow of the question is allowed");
      String why =
          source instanceof End.Known k && destination instanceof End.Known d
              ? Text.loopback(set, k.endpoint(), d.endpoint()) // spec S5.6, S6.13
              : null;
      if (why != null) {
        out.add(
            "note: " + why.substring(0, why.length() - 1) + "; they are no flow of the question");
      }
      if (r.blockersIncomplete() != null) {
        out.add("blocked at (incomplete: " + r.blockersIncomplete() + "; more points may block):");
      } else if (!r.blockers().isEmpty()) {
        out.add("blocked at:");
      }
      for (Blocker b : r.blockers()) {
        out.add(
            "  "
                + (!b.forward()
                    ? ""
                    : b.example() != null && b.example().local() ? "pre-DNAT " : "forward ")
                + b.direction().json()
                + " of "
                + b.endpoint().ref()
                + " by "
                + Text.decision(b.decidedBy(), b.direction())
                + (b.example() != null ? ", e.g. " + Text.packet(b.example()) : ""));
      }
    }
    out.add("solver: " + r.solver().status() + ", " + r.solver().millis() + " ms");
    if (!caveat.inconclusive()) {
      out.addAll(Caveats.lines(caveat));
    }
    return String.join("\n", out) + "\n";
  }
}
