package dev.tierproof.cli;

import dev.tierproof.smt.SolverSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: tierproof's version, the git commit and date of its build, and the Z3 and Java
 * it runs on.
 */
final class Version implements IVersionProvider {

  /** The version reports carry (SARIF, JUnit). */
  static final String NUMBER = "0.1.0";

  @Override
  public String[] getVersion() {
    Properties build = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      // a jar without the file: the build date is unknown
    }
    return new String[] {
      "tierproof "
          + NUMBER
          + " ("
          + commit(build.getProperty("commit", ""))
          + "built "
          + build.getProperty("built", "unknown")
          + ")",
      "Z3 " + SolverSession.z3Version(),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vm.name")
          + ", "
          + System.getProperty("java.vendor")
          + ")"
    };
  }

  /** "commit 0123abcd4567, " or nothing when the build was not from a git checkout. */
  private static String commit(String c) {
    return c.matches("[0-9a-f]{7,40}") ? "commit " + c + ", " : "";
  }
}
