package dev.tierproof.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One {@link Main#run} with captured streams (for the CLI tests of every package). */
public record Run(int code, String out, String err) {

  public static Run of(String... args) {
    return withStdin("", args);
  }

  /**
   * explain's verdict ({@code allow} or {@code deny}) over {@code file} on the flow {@code args}
   * say ({@code SRC DST [flow]}), failing when explain could not answer.
   */
  public static String verdict(String file, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "-f";
    all[1] = file;
    all[2] = "explain";
    System.arraycopy(args, 0, all, 3, args.length);
    all[all.length - 2] = "-o";
    all[all.length - 1] = "json";
    Run run = of(all);
    if (run.code() != 0) {
      throw new AssertionError(run.toString());
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(run.out())
          .get("verdict")
          .asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(run.toString(), e);
    }
  }

  static Run withStdin(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
