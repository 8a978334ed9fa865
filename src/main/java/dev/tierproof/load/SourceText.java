package dev.tierproof.load;

/**
 * One input text and the name diagnostics use for it: the path as given on the command line or as
 * found under a directory, {@code <stdin>} for standard input.
 *
 * @param found true when it was found under a directory given with {@code -f} (not named itself):
 *     such a file that holds no Kubernetes or Calico resource is skipped with a note
 */
public record SourceText(String file, String text, boolean found) {

  public SourceText(String file, String text) {
    this(file, text, false);
  }
}
