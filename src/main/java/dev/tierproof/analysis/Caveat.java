package dev.tierproof.analysis;

import dev.tierproof.model.Unmodelled;
import java.util.List;

/**
 * What an answer says about the input tierproof does not model (specs/semantics.md S9.4).
 *
 * @param elements the unmodelled elements that could change the answer
 * @param ignoring {@code --ignore-unmodelled}: the answer stands and the report names what it
 *     ignored; otherwise an answer some element could change is inconclusive
 */
public record Caveat(List<Unmodelled> elements, boolean ignoring) {

  public static final Caveat NONE = new Caveat(List.of(), false);

  public Caveat {
    elements = List.copyOf(elements);
  }

  /** The answer is not proved: an element could change it, and it is not ignored. */
  public boolean inconclusive() {
    return !ignoring && !elements.isEmpty();
  }
}
