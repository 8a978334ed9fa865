package dev.tierproof.analysis.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.load.Loader;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.PolicySet;
import dev.tierproof.source.Diagnostics;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code map --scope any}: a pod not yet deployed whose labels hold a Service's selector is an
 * endpoint of that Service (spec S3.9), so the classes of such pods are told apart by the selector,
 * and a rule naming the Service reaches them.
 */
class ServicePodsMapTest {

  private static final String YAML =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: ops}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: pay}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: backend, namespace: pay}
      spec:
        selector: {app: api}
        ports: [{port: 80, protocol: TCP, targetPort: 8080}]
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: only-backend, namespace: ops}
      spec:
        selector: all()
        types: [Egress]
        egress:
          - action: Allow
            protocol: TCP
            destination:
              services: {name: backend, namespace: pay}
      """;

  @Test
  void mapAny_podsThatCouldBeDeployed_serviceSelectorSetsThemApart() {
    Diagnostics d = new Diagnostics();
    PolicySet set =
        Loader.load(
            Loader.read(
                List.of("-"), new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), d),
            d);
    assertThat(d.hasErrors()).as(d.render()).isFalse();
    Hypotheticals pods = Hypotheticals.of(set, List.of(), Duration.ofSeconds(30));
    MapResult map =
        Connectivity.run(
            set,
            new Connectivity.Options(
                g -> true, g -> true, FlowSpec.ANY, pods, dev.tierproof.source.Progress.NONE));
    // ops's pods reach exactly the pay pods that would be backend's endpoints, at TCP 8080
    assertThat(map.edges())
        .filteredOn(e -> e.from().hypothetical() && "ops".equals(e.from().namespace()))
        .filteredOn(e -> e.to().hypothetical() && "pay".equals(e.to().namespace()))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.to().labels()).containsEntry("app", "api"));
  }
}
