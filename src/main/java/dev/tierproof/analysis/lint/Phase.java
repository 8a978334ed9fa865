package dev.tierproof.analysis.lint;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.smt.Network;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the phases of one lint run share: the input and its scope, the concrete side (eval's
 * evaluator and step walk, the samples and peers drawn from them, the example builder), where
 * findings go, and the run's solver network, encoded on first use.
 */
record Phase(
    PolicySet set,
    Scope scope,
    Evaluator evaluator,
    Steps steps,
    Samples samples,
    Peers peers,
    Examples examples,
    List<Finding> findings,
    Supplier<Network> network) {}
