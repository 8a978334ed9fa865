package dev.tierproof.analysis;

import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Unmodelled;
import java.util.List;

/**
 * What an answer says about the input tierproof does not model (specs/semantics.md S9.4), and the
 * dataplane it assumed.
 *
 * @param elements the unmodelled elements that could change the answer
 * @param ignoring {@code --ignore-unmodelled}: the answer stands and the report names what it
 *     ignored; otherwise an answer some element could change is inconclusive
 * @param dataplane the Felix dataplane the answer assumes ({@code --dataplane}), null when none was
 *     chosen
 */
public record Caveat(List<Unmodelled> elements, boolean ignoring, Dataplane dataplane) {

  public static final Caveat NONE = new Caveat(List.of(), false);

  public Caveat {
    elements = List.copyOf(elements);
  }

  /** On no chosen dataplane. */
  public Caveat(List<Unmodelled> elements, boolean ignoring) {
    this(elements, ignoring, null);
  }

  /** The answer is not proved: an element could change it, and it is not ignored. */
  public boolean inconclusive() {
    return !ignoring && !elements.isEmpty();
  }
}
