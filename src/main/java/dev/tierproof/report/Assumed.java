package dev.tierproof.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierproof.analysis.Caveat;
import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Dataplane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an answer assumed because the user chose it: the Felix dataplane of {@code --dataplane}
 * (specs/semantics.md S4.6, S6.6, S9.1) and the Calico release of {@code --calico-version} (S2.10,
 * S2.11, S7.2), each named only when chosen, so that a report without either option is unchanged.
 * The one home of their wording: text lines, the JSON fields {@code dataplane} and {@code
 * calicoVersion} (also SARIF's {@code run.properties} and JUnit's suite {@code <properties>}), and
 * a short phrase for headings and titles (Markdown, GitHub annotations, the HTML map, the Graphviz
 * and Mermaid maps' titles).
 */
final class Assumed {

  private Assumed() {}

  /**
   * {@code dataplane: iptables (--dataplane): ...} and {@code calico version: 3.31
   * (--calico-version): ...}, each saying what the choice settles; none when nothing was chosen.
   */
  static List<String> lines(Caveat c) {
    List<String> out = new ArrayList<>();
    if (c.dataplane() != null) {
      out.add(dataplane(c.dataplane()));
    }
    if (c.calicoVersion() != null) {
      out.add(calicoVersion(c.calicoVersion()));
    }
    return out;
  }

  private static String dataplane(Dataplane d) {
    return "dataplane: "
        + d.label()
        + " (--dataplane): "
        + (d.renderer()
            ? "a profile's Pass goes on to the next profile; untracked policy on an all-interfaces"
                + " host endpoint is ignored"
            : "a profile's Pass denies; a host endpoint's untracked ingress policy runs in XDP"
                + " (an all-interfaces endpoint's too); of an untracked Allow's replies eBPF's"
                + " conntrack drops only TCP ones; no failsafe port skips a forward chain's"
                + " pre-DNAT path");
  }

  private static String calicoVersion(CalicoVersion v) {
    String enforces =
        v.clusterNetworkPolicies()
            ? "ClusterNetworkPolicy, not AdminNetworkPolicy or BaselineAdminNetworkPolicy"
            : v.baselineAdminNetworkPolicies()
                ? "AdminNetworkPolicy and BaselineAdminNetworkPolicy, not ClusterNetworkPolicy"
                : "AdminNetworkPolicy, not BaselineAdminNetworkPolicy or ClusterNetworkPolicy";
    return "calico version: "
        + v.label()
        + " (--calico-version): enforces "
        + enforces
        + "; policies of equal order are tied by "
        + (v.clusterNetworkPolicies() ? "name, namespace and kind" : "their v1 names");
  }

  /**
   * {@code {dataplane: iptables, calicoVersion: 3.31}}, in that order, each only when chosen: the
   * JSON fields, SARIF's run properties and JUnit's suite properties.
   */
  static Map<String, String> properties(Caveat c) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.dataplane() != null) {
      out.put("dataplane", c.dataplane().label());
    }
    if (c.calicoVersion() != null) {
      out.put("calicoVersion", c.calicoVersion().label());
    }
    return out;
  }

  /** Puts {@link #properties} into {@code out}. */
  static void json(ObjectNode out, Caveat c) {
    properties(c).forEach(out::put);
  }

  /**
   * {@code dataplane iptables, Calico 3.31} (what was chosen of the two) for headings and titles;
   * empty when nothing was chosen.
   */
  static String brief(Caveat c) {
    List<String> out = new ArrayList<>();
    if (c.dataplane() != null) {
      out.add("dataplane " + c.dataplane().label());
    }
    if (c.calicoVersion() != null) {
      out.add("Calico " + c.calicoVersion().label());
    }
    return String.join(", ", out);
  }

  /** {@code (dataplane iptables, Calico 3.31)} after a heading or title; empty when none. */
  static String suffix(Caveat c) {
    String b = brief(c);
    return b.isEmpty() ? "" : " (" + b + ")";
  }
}
