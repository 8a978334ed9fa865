package dev.tierproof.smt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Z3's native libraries are unpacked once into the cache directory and loaded from it by every
 * later process ({@code tools.aqua.turnkey.support.TurnKey}); a cache that cannot be written falls
 * back to a temporary directory.
 */
class NativeCacheTest {

  private static String run(String... properties) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    cmd.addAll(List.of(properties));
    cmd.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), "dev.tierproof.cli.Main", "--version"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static Path only(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      List<Path> dirs = s.toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }

  @Test
  void unpackedOnce_thenLoadedFromTheCache(@TempDir Path cache) throws Exception {
    assertThat(run("-Dtierproof.native=" + cache)).contains("Z3 ");
    Path dir = only(cache);
    assertThat(dir.getFileName().toString()).startsWith("z3-4.").contains("-linux-");
    Path lib = dir.resolve("libz3.so");
    assertThat(Files.size(lib)).isGreaterThan(1_000_000);
    FileTime first = Files.getLastModifiedTime(lib);
    Files.setLastModifiedTime(lib, FileTime.fromMillis(first.toMillis() - 60_000));
    FileTime marked = Files.getLastModifiedTime(lib);
    assertThat(run("-Dtierproof.native=" + cache)).contains("Z3 ");
    assertThat(Files.getLastModifiedTime(lib)).isEqualTo(marked);
    assertThat(only(cache)).isEqualTo(dir);
  }

  @Test
  void unwritableCache_fallsBackToATemporaryDirectory(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
    assertThat(run("-Dtierproof.native=" + file, "-Djava.io.tmpdir=" + tmp)).contains("Z3 ");
  }
}
