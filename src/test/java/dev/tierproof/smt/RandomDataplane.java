package dev.tierproof.smt;

import dev.tierproof.model.Action;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Profile;
import dev.tierproof.model.Rule;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The dataplane a model is enforced by ({@code --dataplane}) and profiles that Pass, drawn on
 * purpose (spec S4.6): {@link #draw} chooses no dataplane, iptables, nftables or eBPF, and on the
 * rule renderer half the time adds a profile {@code pass-first} whose rules Pass (also Allow, Deny
 * and Log), put before the other profiles of some endpoints, so that a Pass that goes on meets a
 * later profile (the namespace profile of a pod, a host endpoint's own). From a random source of
 * its own (seeded from the model's seed), so the rest of the model and its flows stay what they
 * were without it.
 */
final class RandomDataplane {

  private static final List<Action> ACTIONS =
      List.of(Action.PASS, Action.PASS, Action.PASS, Action.ALLOW, Action.DENY, Action.LOG);

  private final Random rnd;
  private Dataplane chosen;

  RandomDataplane(long seed) {
    rnd = new Random(seed * 0x2545F4914F6CDD1DL + 41);
  }

  /** The dataplane drawn (null: none chosen). */
  Dataplane chosen() {
    return chosen;
  }

  /**
   * Draws the dataplane; adds the Pass profile to {@code profiles} and {@code endpoints} in place.
   */
  void draw(Map<String, Profile> profiles, List<Endpoint> endpoints) {
    int d = rnd.nextInt(8);
    chosen =
        d < 3 ? null : d < 6 ? Dataplane.IPTABLES : d == 6 ? Dataplane.NFTABLES : Dataplane.BPF;
    if (rnd.nextInt(2) == 0 || chosen == null || !chosen.renderer()) {
      return; // a Pass that denies is drawn in RandomModel's own profiles already
    }
    profiles.put(
        "pass-first",
        new Profile("pass-first", Map.of(), rules(), rules(), Span.NONE)); // no labels: labels stay
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoints.get(i);
      if (rnd.nextBoolean()) {
        List<String> profs = new ArrayList<>();
        profs.add("pass-first");
        profs.addAll(e.profiles());
        endpoints.set(
            i,
            new Endpoint(
                e.kind(),
                e.namespace(),
                e.name(),
                e.source(),
                e.labels(),
                e.ips(),
                e.ports(),
                profs,
                e.node(),
                e.span(),
                e.allInterfaces(),
                e.allInterfaces() ? "*" : null));
      }
    }
  }

  /**
   * {@code set} on a dataplane that disagrees with its own on a profile's Pass (spec S4.6): eBPF
   * for the rule renderer, iptables otherwise (the change a {@code diff --dataplane} compares).
   */
  static PolicySet other(PolicySet set) {
    return set.withDataplane(set.profilePassGoesOn() ? Dataplane.BPF : Dataplane.IPTABLES);
  }

  /** One direction's rules: one to three, each of a protocol with ports or of any packet. */
  private List<Rule> rules() {
    int n = 1 + rnd.nextInt(3);
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(RandomPortRule.draw(rnd, i, ACTIONS.get(rnd.nextInt(ACTIONS.size()))));
    }
    return out;
  }
}
