package dev.tierproof.cluster;

class DumpScratchTest {
  @org.junit.jupiter.api.Test
  void dump() throws Exception {
    for (String s : System.getProperty("dump.seeds", "1").split(",")) {
      RandomCluster c = new RandomCluster(Long.parseLong(s));
      java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/gen/c" + s + ".yaml"), c.yaml(false));
      java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/gen/c" + s + "-deployed.yaml"), c.yaml(true));
    }
  }
}
