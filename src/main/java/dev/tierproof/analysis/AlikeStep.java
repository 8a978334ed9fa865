package dev.tierproof.analysis;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.StepPath;
import dev.tierproof.eval.Translated;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.EntityMatch;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.Policy;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Whether a host endpoint's ingress step decides every packet of a workload alike from the first of
 * its node's addresses nat-outgoing may masquerade it to and from each other one
 * (specs/semantics.md S6.10, settled masquerade), by eval over one packet per class of the step's
 * rules: where the step reads no source port (no rule with source ports or {@code services}, no
 * untracked path) the verdict is a function of the protocol, the destination address and port and
 * the ICMP type and code, constant between the bounds the step's rules and failsafe ports name;
 * each class is evaluated at its lowest value. A destination side with a named port or a {@code
 * services} side, or a host endpoint without addresses, is not judged here (never alike).
 */
final class AlikeStep {

  private AlikeStep() {}

  /**
   * Whether {@code h}'s ingress step decides each packet from {@code w} at {@code s} as from each
   * of {@code as} (its node's, {@link Translated#packet}).
   */
  static boolean alike(Evaluator eval, Endpoint w, Ip s, List<Ip> as, Endpoint h) {
    StepPath chain = eval.chain(h, Direction.INGRESS);
    List<Ip> destinations = h.ips().stream().filter(d -> d.family() == s.family()).toList();
    if (destinations.isEmpty() || Masquerading.readsSourcePort(chain)) {
      return false;
    }
    List<Rule> rules = new ArrayList<>();
    for (StepPath.Entered e : chain.tiers()) {
      for (Policy p : e.applying()) {
        rules.addAll(p.rules(Direction.INGRESS));
      }
    }
    chain.profiles().forEach(p -> rules.addAll(p.rules(Direction.INGRESS)));
    TreeSet<Integer> protocols =
        new TreeSet<>(
            List.of(
                Protocols.ICMP,
                Protocols.TCP,
                Protocols.UDP,
                Protocols.ICMPV6,
                Protocols.SCTP,
                Protocols.UDPLITE));
    TreeSet<Integer> ports = new TreeSet<>(List.of(0, 1));
    TreeSet<Integer> types = new TreeSet<>(Protocols.HOST_DISCOVERY);
    TreeSet<Integer> codes = new TreeSet<>(List.of(0));
    for (Failsafe f : eval.policySet().failsafe().of(Direction.INGRESS)) {
      protocols.add(f.protocol());
      bound(ports, f.port(), f.port());
    }
    for (Rule r : rules) {
      EntityMatch d = r.destination();
      if (d.service() != null) {
        return false;
      }
      for (Port p : concat(d.ports(), d.notPorts())) {
        if (!(p instanceof Port.Range x)) {
          return false; // a named port: not judged here
        }
        bound(ports, x.min(), x.max());
      }
      if (r.protocol() != null) {
        protocols.add(r.protocol());
      }
      if (r.notProtocol() != null) {
        protocols.add(r.notProtocol());
      }
      for (dev.tierproof.model.Icmp i : java.util.Arrays.asList(r.icmp(), r.notIcmp())) {
        if (i != null) {
          types.add(i.type());
          if (i.code() != null) {
            codes.add(i.code());
          }
        }
      }
    }
    protocols.add(unnamed(protocols, 255));
    types.add(unnamed(types, 255));
    codes.add(unnamed(codes, 255));
    for (Ip d : destinations) {
      for (int proto : protocols) {
        for (Flow p : packets(proto, s, d, ports, types, codes, w, h)) {
          boolean allowed = eval.evaluate(h, Direction.INGRESS, p).allowed();
          for (Ip a : as) {
            Flow t = Translated.packet(p, a, eval.policySet());
            if (eval.evaluate(h, Direction.INGRESS, t).allowed() != allowed) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  /** The lowest value of each class a rule's range {@code [min, max]} bounds. */
  private static void bound(TreeSet<Integer> ports, int min, int max) {
    ports.add(min);
    if (max < 65535) {
      ports.add(max + 1);
    }
  }

  /** A value in 1..{@code max} not in {@code named}. */
  private static int unnamed(TreeSet<Integer> named, int max) {
    for (int i = max; i > 0; i--) {
      if (!named.contains(i)) {
        return i;
      }
    }
    return 0;
  }

  private static List<Port> concat(List<Port> a, List<Port> b) {
    List<Port> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<Flow> packets(
      int proto,
      Ip s,
      Ip d,
      TreeSet<Integer> ports,
      TreeSet<Integer> types,
      TreeSet<Integer> codes,
      Endpoint w,
      Endpoint h) {
    List<Flow> out = new ArrayList<>();
    if (Protocols.hasPorts(proto)) {
      for (int port : ports) {
        out.add(Flow.between(proto, s, 40000, d, port, null, null, null, w, h));
      }
    } else if (Protocols.isIcmp(proto)) {
      for (int type : types) {
        for (int code : codes) {
          out.add(Flow.between(proto, s, null, d, null, type, code, null, w, h));
        }
      }
    } else {
      out.add(Flow.between(proto, s, null, d, null, null, null, null, w, h));
    }
    return out;
  }
}
