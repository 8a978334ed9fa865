package dev.tierproof.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Cidr;
import dev.tierproof.model.Dataplane;
import dev.tierproof.model.Endpoint;
import dev.tierproof.model.Failsafe;
import dev.tierproof.model.FailsafePorts;
import dev.tierproof.model.Input;
import dev.tierproof.model.Protocols;
import dev.tierproof.model.Reach;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A FelixConfiguration is unmodelled only where a setting is (spec S9.1): what changes no verdict,
 * what tierproof assumes and a dataplane that agrees with {@code --dataplane} leave no element.
 */
public class FelixSettingsTest {

  /** The FelixConfiguration Calico's operator creates (the tigera-operator's defaults). */
  public static final String OPERATOR_DEFAULT =
      """
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec:
        bpfConnectTimeLoadBalancing: TCP
        bpfHostNetworkedNATWithoutCTLB: Enabled
        bpfLogLevel: ""
        floatingIPs: Disabled
        healthPort: 9099
        logSeverityScreen: Info
        reportingInterval: 0s
        vxlanPort: 4789
        vxlanVNI: 4096
      """;

  private static List<Unmodelled> felix(String yaml, Dataplane dataplane, Diagnostics d) {
    Input in =
        Loader.input(
            List.of(new SourceText("in.yaml", yaml)), d, null, CalicoVersion.DEFAULT, dataplane);
    assertThat(d.errors()).as(d.render()).isEmpty();
    return in.unmodelled().stream().filter(u -> u.kind().equals("FelixConfiguration")).toList();
  }

  private static List<Unmodelled> felix(String spec, Dataplane dataplane) {
    return felix(
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\n"
            + "spec: "
            + spec
            + "\n",
        dataplane,
        new Diagnostics());
  }

  @Test
  void operatorDefault_changesNothing_noteNoElement() {
    Diagnostics d = new Diagnostics();
    assertThat(felix(OPERATOR_DEFAULT, null, d)).isEmpty();
    assertThat(felix(OPERATOR_DEFAULT, Dataplane.BPF, new Diagnostics())).isEmpty();
    assertThat(d.render()).contains("FelixConfiguration `default`: its settings change nothing");
    assertThat(d.render()).doesNotContain("warning");
  }

  @Test
  void assumedValues_noElement_othersUnmodelledByKey() {
    assertThat(
            felix(
                "{defaultEndpointToHostAction: ACCEPT, chainInsertMode: Insert, ipv6Support: true,"
                    + " natOutgoingExclusions: IPPoolsOnly, wireguardEnabled: false}",
                null))
        .isEmpty();
    List<Unmodelled> drop =
        felix("{defaultEndpointToHostAction: Drop, logSeverityScreen: Debug}", null);
    assertThat(drop).hasSize(1);
    assertThat(drop.get(0).reason()).endsWith(": defaultEndpointToHostAction");
    assertThat(felix("{someFutureSetting: x}", null).get(0).reason())
        .endsWith(": someFutureSetting");
    assertThat(felix("{wireguardEnabled: true}", null)).hasSize(1);
  }

  @Test
  void reach_hostEndpointsForFailsafePortsOnly_everyEndpointOtherwise_itsNodeForANodesOwn() {
    Reach.Endpoints failsafe =
        (Reach.Endpoints)
            felix("{failsafeInboundHostPorts: [{port: 22, net: not-a-net}]}", null).get(0).reach();
    assertThat(failsafe.kinds()).containsExactly(Endpoint.Kind.HOST);
    assertThat(failsafe.nodes()).isNull();
    Reach.Endpoints append =
        (Reach.Endpoints) felix("{chainInsertMode: Append}", null).get(0).reach();
    assertThat(append.kinds()).containsExactlyInAnyOrder(Endpoint.Kind.values());
    Reach.Endpoints node =
        (Reach.Endpoints)
            felix(
                    "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\n"
                        + "metadata: {name: node.n1}\nspec: {ipv6Support: false}\n",
                    null,
                    new Diagnostics())
                .get(0)
                .reach();
    assertThat(node.nodes()).containsExactly("n1");
  }

  @Test
  void failsafePorts_ofDefaultAndNodes_withNets_modelled() {
    String inbound =
        "[{protocol: TCP, port: 22}, {protocol: UDP, port: 68}, {port: 179}, {protocol: tcp, port:"
            + " 2379}, {protocol: TCP, port: 2380}, {protocol: TCP, port: 5473}, {protocol: TCP,"
            + " port: 6443}, {protocol: TCP, port: 6666}, {protocol: TCP, port: 6667}]";
    assertThat(felix("{failsafeInboundHostPorts: " + inbound + "}", null)).isEmpty();
    assertThat(failsafe("{failsafeInboundHostPorts: " + inbound + "}"))
        .isEqualTo(FailsafePorts.DEFAULT);
    // spec S6.2: the lists of `default` are modelled, whatever they hold
    assertThat(felix("{failsafeInboundHostPorts: []}", null)).isEmpty();
    assertThat(failsafe("{failsafeInboundHostPorts: []}").inbound()).isEmpty();
    assertThat(failsafe("{failsafeInboundHostPorts: []}").outbound())
        .isEqualTo(FailsafePorts.DEFAULT.outbound());
    assertThat(failsafe("{failsafeOutboundHostPorts: [{protocol: SCTP, port: 9}, {port: 22}]}"))
        .isEqualTo(
            new FailsafePorts(
                FailsafePorts.DEFAULT.inbound(),
                List.of(new Failsafe(Protocols.SCTP, 9), new Failsafe(Protocols.TCP, 22))));
    // a net (a CIDR, or an address: a host net) narrows a port to peers
    assertThat(felix("{failsafeInboundHostPorts: [{port: 179, net: 10.0.0.0/8}]}", null)).isEmpty();
    assertThat(
            failsafe(
                    "{failsafeInboundHostPorts: [{port: 179, net: 10.0.0.0/8}, {port: 22, net:"
                        + " 'fd00::1'}]}")
                .inbound())
        .containsExactly(
            new Failsafe(Protocols.TCP, 179, Cidr.parse("10.0.0.0/8").orElseThrow()),
            new Failsafe(Protocols.TCP, 22, Cidr.parse("fd00::1/128").orElseThrow()));
    assertThat(felix("{failsafeInboundHostPorts: [{port: 179, net: 10.0.0.0/33}]}", null))
        .as("a net tierproof cannot read")
        .hasSize(1);
    assertThat(felix("{failsafeInboundHostPorts: [{protocol: ICMP, port: 1}]}", null)).hasSize(1);
  }

  @Test
  void failsafePorts_aNodesOwnList_replacesTheDefaultsOnItsNodeOnly() {
    String yaml =
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\n"
            + "spec: {failsafeInboundHostPorts: [{port: 2222}], failsafeOutboundHostPorts: []}\n"
            + "---\napiVersion: projectcalico.org/v3\nkind: FelixConfiguration\n"
            + "metadata: {name: node.n1}\nspec: {failsafeInboundHostPorts: [{port: 22, net:"
            + " 10.0.0.0/8}]}\n"
            + "---\napiVersion: projectcalico.org/v3\nkind: FelixConfiguration\n"
            + "metadata: {name: node.n2}\nspec: {logSeverityScreen: Info}\n";
    Diagnostics d = new Diagnostics();
    assertThat(felix(yaml, null, d)).isEmpty();
    FailsafePorts p = Loader.input(List.of(new SourceText("in.yaml", yaml)), d).set().failsafe();
    Failsafe ssh = new Failsafe(Protocols.TCP, 22, Cidr.parse("10.0.0.0/8").orElseThrow());
    assertThat(p.at("n1").inbound()).containsExactly(ssh);
    assertThat(p.at("n1").outbound()).as("inherited from default").isEmpty();
    assertThat(p.at("n1").nodes()).isEmpty();
    assertThat(p.at("n2")).as("writes no list").isEqualTo(p.at(null));
    assertThat(p.at("n3").inbound()).containsExactly(new Failsafe(Protocols.TCP, 2222));
    assertThat(p.nodes().keySet()).containsExactly("n1");
    assertThat(p.nets()).containsExactly(ssh.net());
  }

  private static FailsafePorts failsafe(String spec) {
    Diagnostics d = new Diagnostics();
    Input in =
        Loader.input(
            List.of(
                new SourceText(
                    "in.yaml",
                    "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\n"
                        + "metadata: {name: default}\nspec: "
                        + spec
                        + "\n")),
            d);
    return in.set().failsafe();
  }

  @Test
  void dataplane_settledWhenItAgreesWithTheChosenOneOrNoneIsChosen() {
    assertThat(felix("{bpfEnabled: true}", null)).isEmpty();
    assertThat(felix("{bpfEnabled: true}", Dataplane.BPF)).isEmpty();
    assertThat(felix("{bpfEnabled: true}", Dataplane.IPTABLES).get(0).reason())
        .contains("bpfEnabled: true (--dataplane iptables)");
    assertThat(felix("{bpfEnabled: false}", Dataplane.BPF)).hasSize(1);
    assertThat(felix("{bpfEnabled: false}", Dataplane.NFTABLES)).isEmpty();
    assertThat(felix("{nftablesMode: Enabled}", Dataplane.NFTABLES)).isEmpty();
    assertThat(felix("{nftablesMode: Enabled}", Dataplane.IPTABLES)).hasSize(1);
    assertThat(felix("{nftablesMode: Disabled}", Dataplane.NFTABLES)).hasSize(1);
  }

  @Test
  void sctpFailsafePort_noDataplane_warnsWhatIsUnmodelled() {
    String yaml =
        "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\n"
            + "spec: {failsafeInboundHostPorts: [{protocol: SCTP, port: 9}]}\n";
    Diagnostics none = new Diagnostics();
    assertThat(felix(yaml, null, none)).hasSize(1);
    // the element is said at load as a warning, not as a note that the ports are modelled
    assertThat(none.render())
        .contains("warning: FelixConfiguration `default`: Felix settings not modelled:")
        .doesNotContain("are modelled");
    Diagnostics iptables = new Diagnostics();
    assertThat(felix(yaml, Dataplane.IPTABLES, iptables)).isEmpty();
    assertThat(iptables.render())
        .contains("note: FelixConfiguration `default`: its failsafe ports");
  }
}
