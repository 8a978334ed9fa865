package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.eval.Evaluator;
import dev.tierproof.eval.Translated;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Direction;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Input;
import dev.tierproof.model.Masquerade;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The settled masquerade's narrowing of nat-outgoing's element for proofs over every flow (spec
 * S6.10, S9.2) against eval: for generated inputs (pods on n2 in a nat-outgoing pool, n2's
 * addresses said, n1's host endpoint with ingress rules on pod labels, node and pod nets, source
 * ports, destination ports, protocols and ICMP), wherever a question from a pod to n1's host
 * endpoint is not reached by the element, every sampled packet of it is decided by eval's ingress
 * step at n1 from each of n2's addresses, source port kept or not, as from the first with the port
 * kept (what eval's flow verdict and the solver take); and the narrowing happens (questions
 * answered) as well as not (questions still fenced: a source port read, or n2's two addresses told
 * apart).
 */
class SettledMasqueradeTest {

  private static final List<String> SOURCES =
      List.of(
          "{selector: app == 'a'}",
          "{selector: host == 'n2'}",
          "{nets: [10.0.0.0/8]}",
          "{nets: [10.80.0.0/24]}",
          "{nets: [10.244.1.0/24]}",
          "{notNets: [10.80.0.3/32]}",
          "{nets: [10.80.0.3/32]}",
          "{ports: ['1024:65535']}",
          "{}");

  private static final List<String> MATCHES =
      List.of(
          "protocol: TCP\n      destination: {ports: [10250]}",
          "protocol: TCP\n      destination: {ports: ['8000:8100']}",
          "protocol: UDP\n      destination: {notPorts: [53]}",
          "protocol: ICMP\n      icmp: {type: 8}",
          "notProtocol: TCP",
          "protocol: TCP");

  @Test
  void question_settledAndAlike_answersStandOnTranslatedPackets() {
    int narrowed = 0;
    int fenced = 0;
    int packets = 0;
    for (long seed = 1; seed <= 150; seed++) {
      Random r = new Random(seed);
      StringBuilder yaml =
          new StringBuilder(OuterNodes.NAMESPACE)
              .append(OuterNodes.pod("a", "n2", "10.244.1.10"))
              .append(OuterNodes.pod("b", "n2", "10.244.1.11"));
      yaml.append(
          "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h1,"
              + " labels: {host: n1}}\nspec: {node: n1, interfaceName: eth0, expectedIPs:"
              + " [10.80.0.1], profiles: [projectcalico-default-allow]}\n");
      yaml.append(
          OuterNodes.hostEndpoint(2, r.nextBoolean() ? "[10.80.0.2]" : "[10.80.0.2, 10.80.0.3]"));
      yaml.append(
          "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p1}\nspec:"
              + " {cidr: 10.244.1.0/24, natOutgoing: true}\n");
      yaml.append(
          "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name:"
              + " kubelet}\nspec:\n  selector: host == 'n1'\n  types: [Ingress]\n  ingress:\n");
      int rules = 1 + r.nextInt(3);
      for (int i = 0; i < rules; i++) {
        String match = MATCHES.get(r.nextInt(MATCHES.size()));
        String source = SOURCES.get(r.nextInt(SOURCES.size()));
        if (source.contains("ports") && !match.startsWith("protocol: TCP")) {
          match = "protocol: TCP"; // spec S8: ports need a protocol with ports
        }
        yaml.append("    - action: ")
            .append(r.nextBoolean() ? "Allow" : "Deny")
            .append("\n      ")
            .append(match)
            .append("\n      source: ")
            .append(source)
            .append('\n');
      }
      Diagnostics d = new Diagnostics();
      Input in = Loader.input(List.of(new SourceText("m.yaml", yaml.toString())), d);
      assertThat(d.errors()).as(yaml.toString()).isEmpty();
      Evaluator eval = new Evaluator(in.set());
      Endpoint h1 = endpoint(in, "h1");
      List<Unmodelled> all = in.unmodelled();
      Masquerade q =
          all.stream()
              .map(Unmodelled::reach)
              .filter(u -> u instanceof Reach.Masqueraded)
              .map(u -> ((Reach.Masqueraded) u).masquerade())
              .findFirst()
              .orElse(null);
      for (Endpoint s : in.set().endpoints().stream().filter(e -> !e.isHost()).toList()) {
        boolean acting =
            Relevance.question(all, in.set(), new End.Known(s), new End.Known(h1)).stream()
                .anyMatch(u -> u.kind().equals("natOutgoing"));
        if (acting) {
          fenced++;
          continue;
        }
        narrowed += q != null ? 1 : 0;
        for (int i = 0; i < 60 && q != null; i++) {
          Flow f = packet(r, s, h1);
          Masquerade.Seen seen = q.seen(f);
          assertThat(seen.kind()).isEqualTo(Masquerade.Kind.TRANSLATED);
          Flow first = Translated.packet(f, seen.first(), in.set()); // what the answer took
          boolean allowed = eval.evaluate(h1, Direction.INGRESS, first).allowed();
          assertThat(eval.evaluate(f).steps().get(1).allowed()).isEqualTo(allowed); // h1's

          for (Flow t : Translated.packets(f, seen, in.set())) {
            for (Integer port :
                f.sourcePort() == null
                    ? java.util.Arrays.asList((Integer) null)
                    : List.of(f.sourcePort(), 1 + r.nextInt(65535))) {
              Flow moved =
                  t.withPacket(t.protocol(), port, t.destinationPort(), t.icmpType(), t.icmpCode());
              packets++;
              assertThat(eval.evaluate(h1, Direction.INGRESS, moved).allowed())
                  .as(
                      "seed %s: %s masqueraded as %s\n%s",
                      seed, f.describe(), moved.describe(), yaml)
                  .isEqualTo(allowed);
            }
          }
        }
      }
    }
    assertThat(narrowed).as("questions the settled masquerade answers").isGreaterThan(30);
    assertThat(fenced).as("questions still fenced").isGreaterThan(30);
    assertThat(packets).as("translated packets replayed").isGreaterThan(1000);
  }

  /** A random packet from {@code s}'s address to {@code h}'s. */
  private static Flow packet(Random r, Endpoint s, Endpoint h) {
    int proto = List.of(Protocols.TCP, Protocols.UDP, Protocols.ICMP, 47).get(r.nextInt(4));
    boolean ports = Protocols.hasPorts(proto);
    boolean icmp = proto == Protocols.ICMP;
    int[] near = {10250, 8000, 8100, 8101, 53, 22, 80, 1 + r.nextInt(65535)};
    return Flow.between(
        proto,
        s.ips().get(0),
        ports ? 1 + r.nextInt(65535) : null,
        h.ips().get(0),
        ports ? near[r.nextInt(near.length)] : null,
        icmp ? (r.nextBoolean() ? 8 : r.nextInt(256)) : null,
        icmp ? r.nextInt(3) : null,
        null,
        s,
        h);
  }

  private static Endpoint endpoint(Input in, String name) {
    return in.set().endpoints().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
