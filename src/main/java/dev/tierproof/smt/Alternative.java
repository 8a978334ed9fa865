package dev.tierproof.smt;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Ip;
import dev.tierproof.model.NamedPort;
import dev.tierproof.model.Profile;
import dev.tierproof.selector.Selector;
import dev.tierproof.smt.Network.ClassKey;
import dev.tierproof.smt.Network.NsOption;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/** One alternative of an end of a flow ({@link EndLayout}); the solver chooses one per end. */
sealed interface Alternative
    permits Alternative.Concrete,
        Alternative.Addressless,
        Alternative.Hypothetical,
        Alternative.External {

  /** The class of its endpoint (spec S4.1, S4.6), null for hypothetical and external ends. */
  default ClassKey cls() {
    return null;
  }

  /**
   * A group of input (endpoint, address) pairs that no involved rule can tell apart, seen as {@code
   * endpoint} at {@code address}: {@code covered}, the selector keys some entity at the address
   * satisfies; {@code ports}, per named-port key the (protocol, port) pairs there.
   */
  record Concrete(
      Endpoint endpoint, Ip address, ClassKey cls, BitSet covered, List<Set<Long>> ports)
      implements Alternative {}

  /** An input endpoint without an address, at a free address in {@code range} (spec S5.4). */
  record Addressless(Endpoint endpoint, ClassKey cls, Cidr range) implements Alternative {}

  /**
   * A hypothetical endpoint in namespace {@code ns} (spec S5.3): labels seen through {@code view},
   * matching {@code residual}; named ports {@code ports} (null: any), at a free address in {@code
   * range}.
   */
  record Hypothetical(
      NsOption ns, LabelView view, Selector residual, List<NamedPort> ports, Cidr range)
      implements Alternative {
    /** Its profiles: its namespace's, a placeholder for a new one, or none. */
    List<Profile> profiles() {
      if (ns.name() == null) {
        return List.of(Network.NEW_NAMESPACE);
      }
      return ns.profile() == null ? List.of() : List.of(ns.profile());
    }
  }

  /**
   * An address outside the cluster in {@code range}, reached by the DNS name {@code domain} (or
   * any).
   */
  record External(Cidr range, String domain) implements Alternative {}
}
