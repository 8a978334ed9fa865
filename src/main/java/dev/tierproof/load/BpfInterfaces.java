package dev.tierproof.load;

import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Named host endpoints the eBPF dataplane may ignore (specs/semantics.md S6.9, S9.1;
 * specs/notes/bpf-host-endpoints.md, section 2): Felix's eBPF endpoint manager attaches its
 * programs only to interfaces matching {@code BPFDataIfacePattern} and ignores, with a warning, a
 * host endpoint of any other interface ({@code bpf_ep_mgr.go} {@code OnHEPUpdate}). Of a host
 * endpoint that names no interface (its {@code expectedIPs} pick it) or names one the default
 * pattern does not match, whether eBPF enforces it is not settled, while Felix's rule renderer
 * always does: unmodelled unless iptables or nftables is chosen.
 */
final class BpfInterfaces {

  /**
   * Felix's default {@code BPFDataIfacePattern} as it stood before {@code bond} joined it ({@code
   * felix/config/config_params.go}): what it matches, every release's default matches.
   */
  static final Pattern DATA =
      Pattern.compile(
          "^((en|wl|ww|sl|ib)[opsx].*|(eth|wlan|wwan).*|tunl0$|vxlan.calico$|wireguard.cali$)");

  /** A named host endpoint as written: its interface ({@code null}: none named). */
  record Host(String name, String node, Map<String, String> labels, String iface, Span at) {}

  private BpfInterfaces() {}

  /** The unmodelled elements among {@code hosts} on {@code dataplane} (null: none chosen). */
  static List<Unmodelled> of(Dataplane dataplane, List<Host> hosts) {
    List<Unmodelled> out = new ArrayList<>();
    if (dataplane != null && dataplane.renderer()) {
      return out;
    }
    for (Host h : hosts) {
      if (h.iface() != null && !h.iface().isEmpty() && DATA.matcher(h.iface()).find()) {
        continue;
      }
      List<Selector> labelled =
          h.labels().entrySet().stream()
              .map(x -> (Selector) new Selector.Compare(x.getKey(), Selector.Op.EQ, x.getValue()))
              .toList();
      out.add(
          new Unmodelled(
              "HostEndpoint",
              h.name(),
              h.at(),
              (h.iface() == null || h.iface().isEmpty()
                      ? "it names no interface"
                      : "its interface `"
                          + h.iface()
                          + "` does not match Felix's default"
                          + " BPFDataIfacePattern")
                  + ": the eBPF dataplane enforces a host endpoint only on a matching interface"
                  + (dataplane == null ? " (choose a dataplane with `--dataplane`)" : ""),
              new Reach.Endpoints(
                      EnumSet.allOf(Direction.class),
                      EnumSet.of(Endpoint.Kind.HOST),
                      labelled.isEmpty() ? Selector.all() : Selectors.all(labelled),
                      null)
                  .on(h.node() == null ? null : Set.of(h.node()))));
    }
    return out;
  }
}
