package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    return switch (format) {
      case TEXT -> text(set, source, destination, result);
      case JSON -> Json.write(json(result));
      default -> throw new IllegalArgumentException("this report has no " + format.key() + " format");
    };
  }

  /**
   * {@code {claim, result, witness?{<flow>, explanation}, blockers?[{endpoint, direction,
   * decidedBy}], solver{status, millis, reason?}}}: {@code witness} when an allowed flow exists,
   * {@code blockers} when the solver proved none does.
   */
  static ObjectNode json(VerifyResult r) {
    ObjectNode out = Json.object();
    out.put("claim", r.claim().json());
    out.put("result", r.result().json());
    if (r.witness() != null) {
      ObjectNode witness = out.putObject("witness");
      Json.fill(witness, r.witness());
      witness.set("explanation", Json.explanation(r.witness(), r.explanation()));
    } else if (r.result() != Result.UNKNOWN) {
      var blockers = out.putArray("blockers");
      for (Blocker b : r.blockers()) {
        ObjectNode o = blockers.addObject();
        o.put("endpoint", b.endpoint().ref());
        o.put("direction", b.direction().json());
        o.set("decidedBy", Json.decision(b.decidedBy()));
      }
    }
    ObjectNode solver = out.putObject("solver");
    solver.put("status", r.solver().status());
    solver.put("millis", r.solver().millis());
    if (r.solver().reason() != null) {
      solver.put("reason", r.solver().reason());
    }
    return out;
  }

  static String text(PolicySet set, End source, End destination, VerifyResult r) {
    List<String> out = new ArrayList<>();
    String head =
        r.claim().json() + " " + Text.name(source) + " -> " + Text.name(destination) + ": " + r.result().json();
    if (r.result() == Result.UNKNOWN) {
      out.add(head + ": the solver could not decide" + (r.solver().reason() != null ? " (" + r.solver().reason() + ")" : ""));
    } else if (r.witness() != null) {
      out.add(head + ": this flow is allowed");
      for (String line : ExplainReport.lines(set, source, destination, r.witness(), r.explanation(), List.of())) {
        out.add(line.isEmpty() ? "" : "  " + line);
      }
    } else {
      out.add(head + ": no flow of the question is allowed");
      if (!r.blockers().isEmpty()) {
        out.add("blocked at:");
      }
      for (Blocker b : r.blockers()) {
        out.add(
            "  " + b.direction().json() + " of " + b.endpoint().ref() + " by "
                + Text.decision(b.decidedBy(), b.direction())
                + (b.example() != null ? ", e.g. " + Text.packet(b.example()) : ""));
      }
    }
    out.add("solver: " + r.solver().status() + ", " + r.solver().millis() + " ms");
    return String.join("\n", out) + "\n";
  }
}
