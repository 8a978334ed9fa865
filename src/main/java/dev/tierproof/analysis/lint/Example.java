package dev.tierproof.analysis.lint;

import dev.tierproof.eval.Step;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;

/**
 * A concrete packet at one enforcement step that demonstrates a finding, with eval's step for it
 * ({@code step}: the replay through the evaluator, the executable spec).
 *
 * @param changed for findings about removing or enforcing something: eval's step on the changed
 *     policy set (the rule removed, the staged policy enforced), else null
 */
public record Example(Endpoint at, Direction direction, Flow flow, Step step, Step changed) {}
