package dev.tierproof.analysis;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Unmodelled;
import java.util.List;

/**
 * What an answer says about the input tierproof does not model (specs/semantics.md S9.4), and what
 * the user told it to assume: the dataplane and the Calico release.
 *
 * @param elements the unmodelled elements that could change the answer
 * @param ignoring {@code --ignore-unmodelled}: the answer stands and the report names what it
 *     ignored; otherwise an answer some element could change is inconclusive
 * @param dataplane the Felix dataplane the answer assumes ({@code --dataplane}), null when none was
 *     chosen
 * @param calicoVersion the Calico release the answer assumes when the user chose one ({@code
 *     --calico-version} or the configuration's {@code calicoVersion}), null when none was chosen
 *     (the default release is then modelled, and reports say nothing of it)
 */
public record Caveat(
    List<Unmodelled> elements, boolean ignoring, Dataplane dataplane, CalicoVersion calicoVersion) {

  public static final Caveat NONE = new Caveat(List.of(), false);

  public Caveat {
    elements = List.copyOf(elements);
  }

  /** On no chosen dataplane or release. */
  public Caveat(List<Unmodelled> elements, boolean ignoring) {
    this(elements, ignoring, null, null);
  }

  /** The answer is not proved: an element could change it, and it is not ignored. */
  public boolean inconclusive() {
    return !ignoring && !elements.isEmpty();
  }
}
