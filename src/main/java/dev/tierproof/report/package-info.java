/**
 * Reports: the answers of {@code analysis} and {@code eval} as text and JSON.
 *
 * <p>Input: a {@link dev.tierproof.eval.Verdict} on a concrete {@link dev.tierproof.model.Flow}
 * (explain), a {@link dev.tierproof.analysis.VerifyResult} (verify), the {@link
 * dev.tierproof.model.PolicySet} they came from. Output: strings in a {@link
 * dev.tierproof.report.Format}. The JSON shapes are the contract of design.md §2 ("explain JSON",
 * "verify JSON"): fields that do not apply are absent, never null. Text says the same in sentences,
 * with the file and line of the deciding rule. With {@code load}, the only user of Jackson.
 */
package dev.tierproof.report;
