package tools.aqua.turnkey.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * tierproof's loader of Z3's native libraries, in place of z3-turnkey's own (the {@code
 * turnkey-support} artifact is excluded in {@code pom.xml}; z3-turnkey's {@code Native} calls
 * {@link #load} in its static initialiser). The original unpacks the 35 MB of libraries into a new
 * temporary directory on every run, which costs about 175 ms of every run's start-up; this one
 * unpacks them once per Z3 version ({@code z3.properties}, written by the build) and platform into
 * a cache directory and loads them from there on every later run.
 *
 * <p>The cache directory is {@code -Dtierproof.native=DIR} (the launcher passes {@code
 * target/native}), else {@code $XDG_CACHE_HOME/tierproof} or {@code ~/.cache/tierproof}. A
 * version's directory is filled under a private name and renamed into place, so concurrent first
 * runs never see half a library. When the cache cannot be written or its copy does not load, the
 * libraries are unpacked into a fresh temporary directory, as the original does.
 */
public final class TurnKey {
  /** The name of the metadata file beside each platform's libraries. */
  public static final String TURNKEY_FILE_NAME = "turnkey.xml";

  private TurnKey() {}

  /**
   * Loads the libraries that {@code prefix/<os>/<arch>/turnkey.xml} names, reading resources
   * through {@code resources} (null when missing).
   */
  public static void load(String prefix, Function<String, InputStream> resources) {
    String platform = platform();
    String base = "/" + prefix + "/" + platform + "/";
    Properties meta = new Properties();
    try (InputStream in = resources.apply(base + TURNKEY_FILE_NAME)) {
      if (in == null) {
        throw new UnsupportedOperationException("Z3 has no native libraries for " + platform);
      }
      meta.loadFromXML(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + base + TURNKEY_FILE_NAME, e);
    }
    List<String> bundled = list(meta, "bundled-libraries.");
    List<String> loads = list(meta, "load-commands.");
    Path cached = cache(platform);
    if (cached != null) {
      try {
        Path dir = unpackOnce(cached, base, bundled, resources);
        loads.forEach(l -> System.load(dir.resolve(l).toAbsolutePath().toString()));
        return;
      } catch (IOException | UnsatisfiedLinkError e) {
        // an unwritable cache or a file system that refuses to map libraries: unpack as before
      }
    }
    try {
      Path dir = Files.createTempDirectory("turnkey");
      dir.toFile().deleteOnExit();
      unpack(dir, base, bundled, resources);
      for (String l : bundled) dir.resolve(l).toFile().deleteOnExit();
      loads.forEach(l -> System.load(dir.resolve(l).toAbsolutePath().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack Z3's native libraries", e);
    }
  }

  /** {@code os/arch} as the jar's folders name them: {@code linux/amd64}, {@code osx/aarch64}. */
  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o =
        os.startsWith("linux")
            ? "linux"
            : os.startsWith("mac") || os.startsWith("darwin")
                ? "osx"
                : os.startsWith("windows") ? "windows" : os;
    String a =
        switch (arch) {
          case "amd64", "x86_64", "x64" -> "amd64";
          case "aarch64", "arm64" -> "aarch64";
          case "x86", "i386", "i486", "i586", "i686" -> "x86";
          default -> arch;
        };
    return o + "/" + a;
  }

  /** The values of {@code key0}, {@code key1}, ... in index order. */
  private static List<String> list(Properties meta, String key) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    meta.stringPropertyNames().stream()
        .filter(k -> k.startsWith(key))
        .forEach(
            k -> byIndex.put(Integer.parseInt(k.substring(key.length())), meta.getProperty(k)));
    return new ArrayList<>(byIndex.values());
  }

  /** This version's and platform's cache directory, or null when there is no home for one. */
  private static Path cache(String platform) {
    String root = System.getProperty("tierproof.native");
    if (root == null || root.isBlank()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      String home = System.getProperty("user.home");
      if (xdg != null && !xdg.isBlank()) root = Path.of(xdg, "tierproof").toString();
      else if (home != null && !home.isBlank() && !home.equals("?"))
        root = Path.of(home, ".cache", "tierproof").toString();
      else return null;
    }
    Properties version = new Properties();
    try (InputStream in = TurnKey.class.getResourceAsStream("z3.properties")) {
      version.load(in);
    } catch (IOException | NullPointerException e) {
      return null;
    }
    return Path.of(root, "z3-" + version.getProperty("version") + "-" + platform.replace('/', '-'));
  }

  /** {@code dir} with the libraries in it, unpacked now unless an earlier run did. */
  private static Path unpackOnce(
      Path dir, String base, List<String> bundled, Function<String, InputStream> resources)
      throws IOException {
    if (Files.isDirectory(dir)) return dir;
    Files.createDirectories(dir.getParent());
    Path fresh = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".");
    unpack(fresh, base, bundled, resources);
    try {
      Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      for (String l : bundled) Files.deleteIfExists(fresh.resolve(l));
      Files.deleteIfExists(fresh);
    } catch (IOException e) {
      if (!Files.isDirectory(dir)) throw e;
      for (String l : bundled) Files.deleteIfExists(fresh.resolve(l));
      Files.deleteIfExists(fresh);
    }
    return dir;
  }

  private static void unpack(
      Path dir, String base, List<String> bundled, Function<String, InputStream> resources)
      throws IOException {
    for (String l : bundled) {
      try (InputStream in = resources.apply(base + l)) {
        if (in == null) throw new IOException("missing " + base + l);
        Files.copy(in, dir.resolve(l), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
