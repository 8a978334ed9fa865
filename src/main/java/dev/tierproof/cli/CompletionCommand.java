package dev.tierproof.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;

/**
 * {@code tierproof completion bash|zsh|fish}: the shell completion script of every command and
 * option (bash: picocli's generator, which zsh loads through {@code bashcompinit}; fish: written
 * here from the same command model).
 */
@Command(
    name = "completion",
    description =
        "Prints the shell completion script: `source <(tierproof completion bash)` (zsh: the same with `zsh`; "
            + "fish: `tierproof completion fish > ~/.config/fish/completions/tierproof.fish`).")
final class CompletionCommand implements Callable<Integer> {

  @CommandLine.ParentCommand Main main;

  @Parameters(index = "0", paramLabel = "bash|zsh|fish", description = "the shell")
  String shell;

  @Override
  public Integer call() {
    Session s = main.session;
    String script =
        switch (shell) {
          case "bash" -> AutoComplete.bash("tierproof", main.spec.commandLine());
          case "zsh" ->
              "autoload -U +X bashcompinit && bashcompinit\n"
                  + AutoComplete.bash("tierproof", main.spec.commandLine());
          case "fish" -> fish(main.spec);
          default -> null;
        };
    if (script == null) {
      s.diagnostics.error(
          s.args.span(shell), "no completion for `" + shell + "`; use `bash`, `zsh` or `fish`");
      return s.fail().code();
    }
    s.out.print(script);
    s.out.flush();
    return ExitCode.OK.code();
  }

  /**
   * Fish's {@code complete} lines: each command offered where its parent is the last command seen,
   * each option where its command is; values from the option's candidates, files for paths.
   */
  static String fish(CommandSpec root) {
    StringBuilder out =
        new StringBuilder("# tierproof completion for fish\ncomplete -c tierproof -f\n");
    fish(root, root, List.of(), out);
    return out.toString();
  }

  private static void fish(
      CommandSpec root, CommandSpec spec, List<String> path, StringBuilder out) {
    String here = path.isEmpty() ? "" : "__fish_seen_subcommand_from " + path.get(path.size() - 1);
    List<String> children = new ArrayList<>();
    for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
      if (!sub.getValue().getCommandSpec().usageMessage().hidden()) children.add(sub.getKey());
    }
    String noChild =
        children.isEmpty() ? "" : "not __fish_seen_subcommand_from " + String.join(" ", children);
    String offer = path.isEmpty() ? "__fish_use_subcommand" : here + "; and " + noChild;
    for (String child : children) {
      CommandSpec c = spec.subcommands().get(child).getCommandSpec();
      out.append("complete -c tierproof -n ")
          .append(quote(offer))
          .append(" -a ")
          .append(child)
          .append(" -d ")
          .append(quote(first(c.usageMessage().description())))
          .append('\n');
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      List<String> values = values(p.paramLabel());
      if (!values.isEmpty() && !here.isEmpty()) {
        out.append("complete -c tierproof -n ")
            .append(quote(here))
            .append(" -a ")
            .append(quote(String.join(" ", values)))
            .append(" -d ")
            .append(quote(first(p.description())))
            .append('\n');
      }
    }
    for (OptionSpec o : spec.options()) {
      if (o.hidden() || spec != root && root.findOption(o.longestName()) != null)
        continue; // root's apply everywhere
      out.append("complete -c tierproof");
      if (!here.isEmpty()) out.append(" -n ").append(quote(here));
      for (String name : o.names()) {
        out.append(name.startsWith("--") ? " -l " + name.substring(2) : " -s " + name.substring(1));
      }
      if (o.arity().max() > 0) {
        List<String> values = values(o.paramLabel());
        boolean files =
            o.type() == Path.class
                || o.type() == File.class
                || o.paramLabel().matches(".*(PATH|FILE|SPEC).*");
        if (!values.isEmpty()) out.append(" -x -a ").append(quote(String.join(" ", values)));
        else out.append(files ? " -r -F" : " -x");
      }
      out.append(" -d ").append(quote(first(o.description()))).append('\n');
    }
    for (String child : children) {
      List<String> deeper = new ArrayList<>(path);
      deeper.add(child);
      fish(root, spec.subcommands().get(child).getCommandSpec(), deeper, out);
    }
  }

  /**
   * The literal choices of a label such as {@code existing|any} or {@code TCP|UDP|N}, placeholders
   * left out.
   */
  private static List<String> values(String label) {
    if (!label.contains("|")) return List.of();
    return Stream.of(label.split("\\|")).filter(v -> !v.matches("[A-Z](:[A-Z])?")).toList();
  }

  private static String first(String[] description) {
    return description.length == 0 ? "" : description[0].replace("%n", " ").strip();
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
