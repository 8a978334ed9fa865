package dev.tierproof.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tierproof completion bash|zsh}: the shell completion script of every command and option
 * (picocli's generator; zsh loads it through {@code bashcompinit}).
 */
@Command(
    name = "completion",
    description = "Prints the shell completion script: `source <(tierproof completion bash)` (zsh: the same with `zsh`).")
final class CompletionCommand implements Callable<Integer> {

  private final Main main;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  CompletionCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() {
    Session s = main.session;
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      s.diagnostics.error(s.args.span(shell), "no completion for `" + shell + "`; use `bash` or `zsh`");
      return s.fail();
    }
    String script = AutoComplete.bash("tierproof", main.spec.commandLine());
    s.out.print(shell.equals("zsh") ? "autoload -U +X bashcompinit && bashcompinit\n" + script : script);
    s.out.flush();
    return Main.OK;
  }
}
