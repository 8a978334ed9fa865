package dev.tierproof.report;

import dev.tierproof.source.Severity;
import dev.tierproof.source.Span;
import java.util.List;

/**
 * One finding in the shape code-review formats need (SARIF, GitHub workflow annotations, Markdown):
 * the rule it breaks, a level, a message, where it is and where the things it refers to are.
 *
 * @param ruleId a stable id, e.g. {@code TP102}
 * @param ruleName a stable kebab-case name, e.g. {@code shadowed-rule}
 * @param ruleHelp one or two sentences on what the rule means and how to fix a finding
 * @param level printed as its label: SARIF's level, the annotation's kind
 * @param location where the finding is; {@link Span#NONE} when it has no place in the input
 * @param related other places the message refers to (e.g. the rules that shadow this one)
 * @param fingerprint stable across runs and unrelated edits (e.g. a hash of the rule id and the
 *     names of the policy and rule), so review tools can track a finding when lines move
 */
public record Annotation(
    String ruleId,
    String ruleName,
    String ruleHelp,
    Severity level,
    String message,
    Span location,
    List<Related> related,
    String fingerprint) {

  public Annotation {
    related = List.copyOf(related);
  }

  /**
   * An annotation that an annotation in the input at {@code at} suppresses: SARIF reports it as
   * suppressed in source; the other formats leave it out.
   */
  public record Suppressed(Annotation annotation, Span at) {}

  /** A place a finding refers to, with what it is. */
  public record Related(Span location, String message) {}
}
