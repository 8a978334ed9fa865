package dev.tierproof.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierproof.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow between a workload on a node whose forward chain is walked and an address outside the
 * cluster meets that node's all-interfaces host endpoint on its forward steps (spec S6.11): what is
 * not modelled there (a FelixConfiguration's failsafe ports, which the forward ingress step
 * honours) could change every answer about such flows (S9.3), as it does for one concrete flow.
 */
class ForwardStepRelevanceTest {

  private static final String FELIX =
      """
      ---
      apiVersion: projectcalico.org/v3
      kind: FelixConfiguration
      metadata: {name: default}
      spec: {failsafeInboundHostPorts: []}
      """;

  @Test
  void verifyAndMap_podOnWalkedNodeWithWorld_felixConfigurationAtItsHostMakesThemInconclusive(
      @TempDir Path dir) throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.yaml"), WalkedNode.YAML);
    Path felix = Files.writeString(dir.resolve("felix.yaml"), WalkedNode.YAML + FELIX);
    // without it, the walked flows are proved (spec S6.11)
    assertThat(Run.of("-f", plain.toString(), "verify", "isolated", "world", "fw/web").code())
        .isEqualTo(1);
    assertThat(Run.of("-f", plain.toString(), "map", "fw/web", "world").code()).isZero();
    for (String[] args :
        new String[][] {
          {"verify", "isolated", "world", "fw/web"},
          {"verify", "reachable", "fw/web", "world", "--protocol", "TCP", "--port", "25"},
          {"map", "fw/web", "world"},
          {"map", "world", "fw/web"}
        }) {
      String[] all = new String[args.length + 2];
      all[0] = "-f";
      all[1] = felix.toString();
      System.arraycopy(args, 0, all, 2, args.length);
      Run run = Run.of(all);
      assertThat(run.code()).as(String.join(" ", args) + "\n" + run).isEqualTo(3);
      assertThat(run.out() + run.err()).contains("FelixConfiguration");
    }
  }
}
