package dev.tierproof.load;

import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code .tierproof.yaml}: a repository's defaults, found upward from the working directory (or
 * named with {@code --config}). Paths in it are relative to its own folder.
 *
 * <pre>
 * files: [policies/]        # the inputs when no -f is given
 * exclude: ["charts/**"]    # added to --exclude
 * output: [text, sarif=lint.sarif]   # the reports when no -o is given
 * lint:
 *   disable: [TP103]        # findings of these rules (ids or names) are not reported
 *   severity:               # these rules' findings are reported at another severity
 *     shadowed-rule: error
 *     TP205: note
 * calicoVersion: "3.31"     # the Calico release whose enforcement is modelled (--calico-version)
 * dataplane: iptables       # the Felix dataplane that enforces the input (--dataplane)
 * </pre>
 *
 * @param file where it was read
 * @param calicoVersion {@code calicoVersion} as written ({@link Entry#value()}), or null
 * @param dataplane {@code dataplane} as written, or null
 */
public record Config(
    Path file,
    List<String> files,
    List<String> exclude,
    List<String> output,
    Lint lint,
    Entry calicoVersion,
    Entry dataplane) {

  /** A setting as written, with where, for the reader to check against what it knows. */
  public record Entry(String key, Span keyAt, String value, Span valueAt) {}

  /**
   * The {@code lint} section.
   *
   * @param disable rules as written, {@link Entry#value()} null
   * @param severity rule and severity as written
   */
  public record Lint(List<Entry> disable, List<Entry> severity) {
    public static final Lint NONE = new Lint(List.of(), List.of());

    public Lint {
      disable = List.copyOf(disable);
      severity = List.copyOf(severity);
    }
  }

  /** The file name looked for. */
  public static final String NAME = ".tierproof.yaml";

  public Config {
    files = List.copyOf(files);
    exclude = List.copyOf(exclude);
    output = List.copyOf(output);
  }

  /** The nearest {@link #NAME} in {@code dir} or a folder above it. */
  public static Optional<Path> find(Path dir) {
    for (Path at = dir.toAbsolutePath().normalize(); at != null; at = at.getParent()) {
      Path candidate = at.resolve(NAME);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Reads {@code file}; problems go to {@code diagnostics} with their positions. */
  public static Config read(Path file, Diagnostics diagnostics) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      diagnostics.error(new Span(name, 1, 1), "cannot read the configuration: " + e.getMessage());
      return new Config(file, List.of(), List.of(), List.of(), Lint.NONE, null, null);
    }
    diagnostics.source(name, text);
    List<Node> documents = Documents.parse(new SourceText(name, text), diagnostics);
    Path base = file.toAbsolutePath().getParent();
    List<String> files = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    List<String> output = new ArrayList<>();
    List<Entry> disable = new ArrayList<>();
    List<Entry> severity = new ArrayList<>();
    Entry version = null;
    Entry dataplane = null;
    if (documents.size() > 1) {
      diagnostics.error(documents.get(1).span(), "a configuration is one YAML document");
    }
    if (!documents.isEmpty()) {
      Node top = documents.get(0);
      if (!(top instanceof Node.Mapping m)) {
        diagnostics.error(top.span(), "a configuration is a mapping, found " + top.describe());
      } else {
        Fields f = new Fields(m, "configuration", "", diagnostics);
        f.strings("files").forEach(s -> files.add(base.resolve(s.text()).normalize().toString()));
        f.strings("exclude").forEach(s -> exclude.add(s.text()));
        f.strings("output").forEach(s -> output.add(s.text()));
        // a plain 3.30 is read as written, not as the number 3.3
        if (f.node("calicoVersion") instanceof Node.Scalar release) {
          version =
              new Entry(
                  "calicoVersion", f.keySpan("calicoVersion"), release.text(), release.span());
        }
        if (f.node("dataplane") instanceof Node.Scalar d) {
          dataplane = new Entry("dataplane", f.keySpan("dataplane"), d.text(), d.span());
        }
        Fields lint = f.object("lint");
        if (lint != null) {
          lint.strings("disable")
              .forEach(s -> disable.add(new Entry(s.text(), s.span(), null, null)));
          Node grades = lint.node("severity");
          if (grades instanceof Node.Mapping g) {
            Fields byRule = new Fields(g, "configuration", "lint.severity", diagnostics);
            for (Node.Entry e : g.entries()) {
              Node.Scalar v = byRule.scalar(e.key().text());
              if (v != null)
                severity.add(new Entry(e.key().text(), e.key().span(), v.text(), v.span()));
            }
            byRule.done();
          } else if (grades != null && !(grades instanceof Node.Scalar n && n.isNull())) {
            diagnostics.error(
                grades.span(),
                "`lint.severity` maps rules to severities, found " + grades.describe());
          }
          lint.done();
        }
        f.done();
      }
    }
    return new Config(
        file, files, exclude, output, new Lint(disable, severity), version, dataplane);
  }
}
