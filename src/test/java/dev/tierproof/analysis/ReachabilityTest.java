package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.VerifyResult.Result;
import dev.tierproof.eval.Decision;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.selector.Selector;
import dev.tierproof.source.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReachabilityTest {

  static PolicySet load(String yaml) {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", yaml)), d);
    assertThat(d.errors()).isEmpty();
    return set;
  }

  static End known(PolicySet set, String ref) {
    return new End.Known(
        set.endpoints().stream().filter(e -> e.ref().equals(ref)).findFirst().orElseThrow());
  }

  static End selector(String ns, String selector) throws Exception {
    return new End.Hypothetical(ns, Selector.parse(selector), false);
  }

  static FlowSpec tcp(int port) {
    return new FlowSpec(Protocols.TCP, new Port.Range(port, port), null, null, null, null);
  }

  static final String SHOP =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: shop}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: other, labels: {team: other}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      status: {podIP: 10.0.1.6}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}
      status: {podIP: 10.0.1.7}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: other, labels: {app: client}}
      status: {podIP: 10.0.2.9}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-ingress, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: db}}
        policyTypes: [Ingress]
        ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: sql}]
      """;

  @Test
  void reachable_allowedNamedPort_holdsWithReplayedWitness() {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v = r.reachable(known(set, "shop/web"), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.HOLDS);
      assertThat(v.witness().destinationPort()).isEqualTo(5432);
      assertThat(v.witness().protocol()).isEqualTo(Protocols.TCP);
      assertThat(v.explanation().allowed()).isTrue();
    }
  }

  @Test
  void reachable_otherPort_violatedWithTierDefaultBlocker() {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v = r.reachable(known(set, "shop/web"), known(set, "shop/db"), tcp(80));
      assertThat(v.result()).isEqualTo(Result.VIOLATED);
      assertThat(v.blockers()).hasSize(1);
      assertThat(v.blockers().get(0).decidedBy().kind()).isEqualTo(Decision.Kind.TIER_DEFAULT);
      assertThat(v.blockers().get(0).decidedBy().policy().name()).isEqualTo("db-ingress");
    }
  }

  @Test
  void isolated_otherNamespaceToDb_holds() throws Exception {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v =
          r.isolated(selector("other", "all()"), selector("shop", "app == 'db'"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.HOLDS);
      assertThat(v.blockers()).isNotEmpty();
    }
  }

  @Test
  void isolated_anyPodToWeb_violatedByHypothetical() throws Exception {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v =
          r.isolated(selector(null, "app == 'new'"), known(set, "shop/web"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.VIOLATED);
      Endpoint src = v.witness().source();
      assertThat(src.source()).isEqualTo("Hypothetical");
      assertThat(src.labels()).containsEntry("app", "new");
    }
  }

  @Test
  void isolated_futureWebPodToDb_violatedOnNamedPort() throws Exception {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v =
          r.isolated(known(set, "shop/web"), selector("shop", "app == 'db'"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.VIOLATED);
    }
  }

  @Test
  void reachable_worldToDb_violated() {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult v =
          r.reachable(new End.Addresses(null, null), known(set, "shop/db"), FlowSpec.ANY);
      assertThat(v.result()).isEqualTo(Result.VIOLATED);
      VerifyResult w =
          r.reachable(
              new End.Addresses(Cidr.parse("10.0.0.0/8").orElseThrow(), null),
              known(set, "shop/db"),
              FlowSpec.ANY);
      assertThat(w.result()).isEqualTo(Result.HOLDS);
      assertThat(w.witness().source().name()).isEqualTo("web");
    }
  }

  @Test
  void quiz3_domains_passToTier3() throws Exception {
    PolicySet set =
        load(
            Files.readString(
                Path.of("specs/cases/acceptance/quiz-3-pass-to-tier3/resources.yaml")));
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      VerifyResult a =
          r.reachable(known(set, "shop/podA"), new End.Addresses(null, "tigera.io"), tcp(443));
      assertThat(a.result()).isEqualTo(Result.HOLDS);
      assertThat(a.witness().destinationDomain()).isEqualTo("tigera.io");
      VerifyResult b =
          r.reachable(known(set, "shop/podA"), new End.Addresses(null, "www.tigera.io"), tcp(443));
      assertThat(b.result()).isEqualTo(Result.VIOLATED);
      assertThat(b.blockers())
          .extracting(x -> x.decidedBy().kind())
          .containsExactly(Decision.Kind.TIER_DEFAULT);
    }
  }

  @Test
  void helpers_witnessDenialDecidedByBlockers_replayed() {
    PolicySet set = load(SHOP);
    try (Reachability r = new Reachability(set, Duration.ofSeconds(10))) {
      End web = known(set, "shop/web");
      End db = known(set, "shop/db");
      Reachability.Search allowed = r.witness(web, db, FlowSpec.ANY);
      assertThat(allowed.explanation().allowed()).isTrue();
      Reachability.Search denied = r.denial(web, db, FlowSpec.ANY);
      assertThat(denied.explanation().allowed()).isFalse();
      Decision rule = allowed.explanation().steps().get(1).decidedBy();
      Reachability.Search same =
          r.decidedBy(web, db, FlowSpec.ANY, dev.tierproof.model.Direction.INGRESS, rule);
      assertThat(same.explanation().steps().get(1).decidedBy().rule()).isEqualTo(rule.rule());
      Reachability.Search none = r.witness(web, db, tcp(80));
      assertThat(none.flow()).isNull();
      assertThat(none.solver().status()).isEqualTo("unsat");
    }
  }
}
