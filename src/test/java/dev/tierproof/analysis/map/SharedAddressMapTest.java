package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.analysis.map.MapResult.Edge;
import dev.tierproof.analysis.map.MapResult.Group;
import dev.tierproof.eval.Evaluator;
import dev.tierproof.load.Loader;
import dev.tierproof.load.SourceText;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Flow;
import dev.tierproof.model.Ip;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map where two pods own one address (spec S5.5; MapDifferentialTest seed 136): a named port of
 * one owner is a named port at the address, so a pod without ports that shares it is reached on
 * that port, while a pod labelled alike at an address of its own is not: the two are not one group.
 */
class SharedAddressMapTest {

  private static final String INPUT =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: shop, labels: {app: client}}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: named, namespace: shop, labels: {app: named}}
      spec:
        containers:
        - name: c
          image: registry.example/app:1
          ports:
          - {name: http, containerPort: 80, protocol: TCP}
      status: {podIP: 10.0.0.5}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: plain, namespace: shop, labels: {app: plain}}
      status: {podIP: 10.0.0.5}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: alone, namespace: shop, labels: {app: plain}}
      status: {podIP: 10.0.0.9}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: client-out, namespace: shop}
      spec:
        selector: app == 'client'
        types: [Egress]
        egress:
        - action: Allow
          protocol: TCP
          destination: {ports: [http]}
      """;

  @Test
  void run_namedPortOfAnotherOwner_reachesTheSharingPodOnly() {
    Diagnostics d = new Diagnostics();
    PolicySet set = Loader.load(List.of(new SourceText("test.yaml", INPUT)), d);
    assertThat(d.errors()).isEmpty();
    Evaluator eval = new Evaluator(set);
    assertThat(eval.evaluate(flow(set, "plain", "10.0.0.5")).allowed()).isTrue();
    assertThat(eval.evaluate(flow(set, "alone", "10.0.0.9")).allowed()).isFalse();

    MapResult map = Connectivity.run(set, Connectivity.Options.all());
    Group client = groupOf(map, "client");
    assertThat(groupOf(map, "plain")).isNotSameAs(groupOf(map, "alone"));
    assertThat(edge(map, client, groupOf(map, "plain"))).isTrue();
    assertThat(edge(map, client, groupOf(map, "alone"))).isFalse();
  }

  private static Flow flow(PolicySet set, String to, String ip) {
    return Flow.between(
        6,
        Ip.parse("10.0.0.1").orElseThrow(),
        40000,
        Ip.parse(ip).orElseThrow(),
        80,
        null,
        null,
        null,
        endpoint(set, "client"),
        endpoint(set, to));
  }

  private static Endpoint endpoint(PolicySet set, String name) {
    return set.endpoints().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }

  private static Group groupOf(MapResult map, String name) {
    return map.groups().stream()
        .filter(g -> g.endpoints().stream().anyMatch(e -> e.name().equals(name)))
        .findFirst()
        .orElseThrow();
  }

  private static boolean edge(MapResult map, Group from, Group to) {
    return map.edges().stream()
        .filter((Edge e) -> e.from() == from && e.to() == to)
        .anyMatch(e -> !e.allowed().isEmpty());
  }
}
