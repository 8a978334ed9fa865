package dev.tierproof.load;

import dev.tierproof.model.CalicoVersion;
import dev.tierproof.model.Input;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Unmodelled;
import dev.tierproof.source.Diagnostic;
import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The entry points of the {@code load} stage: read input texts, then load them into a {@link
 * PolicySet}.
 */
public final class Loader {

  /** The file name of standard input in diagnostics. */
  public static final String STDIN = "<stdin>";

  private Loader() {}

  /** As {@link #read(List, List, InputStream, Diagnostics)} without excludes. */
  public static List<SourceText> read(
      List<String> paths, InputStream stdin, Diagnostics diagnostics) {
    return read(paths, List.of(), stdin, diagnostics);
  }

  /**
   * Reads {@code -f} arguments: a file, a directory (recursively its {@code *.yaml}, {@code *.yml}
   * and {@code *.json} files in sorted path order, skipping hidden files and directories and those
   * whose path under the directory, or one of its folders, matches an {@code excludes} glob), or
   * {@code -} for {@code stdin}. Unreadable paths are errors in {@code diagnostics}, at {@code
   * file:1:1}; a stream (standard input, a device, a pipe) longer than {@link #STREAM_LIMIT} bytes
   * is an error; UTF-8 and UTF-16 with a byte order mark are read. Every text read is registered
   * with {@link Diagnostics#source}.
   */
  public static List<SourceText> read(
      List<String> paths, List<String> excludes, InputStream stdin, Diagnostics diagnostics) {
    List<PathMatcher> skip = globs(excludes, diagnostics);
    List<SourceText> out = new ArrayList<>();
    for (String path : paths) {
      if (path.equals("-")) {
        try {
          out.add(new SourceText(STDIN, decode(bounded(stdin)), false));
        } catch (IOException e) {
          diagnostics.error(new Span(STDIN, 1, 1), "cannot read: " + reason(e));
        }
        continue;
      }
      Path p;
      try {
        p = Path.of(path);
      } catch (InvalidPathException e) {
        diagnostics.error(new Span(path, 1, 1), "cannot read: invalid path");
        continue;
      }
      if (Files.isDirectory(p)) {
        List<Path> files = directory(p, path, skip, diagnostics);
        if (files.isEmpty()) {
          diagnostics.warning(
              new Span(path, 1, 1), "no *.yaml, *.yml or *.json files under `" + path + "`");
        }
        files.forEach(f -> file(f, f.toString(), true, out, diagnostics));
      } else {
        file(p, path, false, out, diagnostics);
      }
    }
    out.forEach(s -> diagnostics.source(s.file(), s.text()));
    return out;
  }

  /** The {@code --exclude} globs; an invalid one is an error at {@code glob:1:1}. */
  static List<PathMatcher> globs(List<String> excludes, Diagnostics diagnostics) {
    List<PathMatcher> skip = new ArrayList<>();
    for (String glob : excludes) {
      try {
        skip.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      } catch (IllegalArgumentException e) {
        diagnostics.error(new Span(glob, 1, 1), "invalid `--exclude` glob `" + glob + "`");
      }
    }
    return skip;
  }

  /**
   * The most a stream is read before it is refused: a bound for endless inputs ({@code /dev/zero}).
   */
  static final int STREAM_LIMIT = 256 * 1024 * 1024;

  /** The bytes of {@code in}; more than {@link #STREAM_LIMIT} of them is an error. */
  static byte[] bounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(STREAM_LIMIT + 1);
    if (bytes.length > STREAM_LIMIT) {
      throw new IOException(
          "longer than " + (STREAM_LIMIT >> 20) + " MiB: not read (an endless stream?)");
    }
    return bytes;
  }

  private static List<Path> directory(
      Path dir, String name, List<PathMatcher> skip, Diagnostics diagnostics) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> wanted(dir.relativize(f), skip) && Files.isRegularFile(f))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      diagnostics.error(new Span(name, 1, 1), "cannot read directory: " + reason(e));
      return List.of();
    }
  }

  /**
   * A file found under a directory at {@code relative} is read: a {@code *.yaml}, {@code *.yml} or
   * {@code *.json} file, not hidden, not under a hidden folder, not excluded.
   */
  static boolean wanted(Path relative, List<PathMatcher> skip) {
    return !hidden(relative)
        && !excluded(relative, skip)
        && relative.getFileName() != null
        && relative
            .getFileName()
            .toString()
            .toLowerCase(Locale.ROOT)
            .matches(".*\\.(yaml|yml|json)");
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The path, or a folder on it, matches an exclude glob. */
  private static boolean excluded(Path relative, List<PathMatcher> skip) {
    for (Path at = relative; at != null && !at.toString().isEmpty(); at = at.getParent()) {
      for (PathMatcher m : skip) {
        if (m.matches(at)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void file(
      Path p, String name, boolean found, List<SourceText> out, Diagnostics diagnostics) {
    try {
      byte[] bytes;
      if (Files.isRegularFile(p)) {
        bytes = Files.readAllBytes(p);
      } else {
        try (InputStream in = Files.newInputStream(p)) {
          bytes = bounded(in);
        }
      }
      out.add(new SourceText(name, decode(bytes), found));
    } catch (IOException e) {
      diagnostics.error(new Span(name, 1, 1), "cannot read: " + reason(e));
    }
  }

  /** UTF-8 (a byte order mark dropped), or UTF-16 with a byte order mark. */
  static String decode(byte[] bytes) throws CharacterCodingException {
    java.nio.charset.Charset charset = StandardCharsets.UTF_8;
    if (bytes.length >= 2
        && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
            || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
      charset = StandardCharsets.UTF_16;
    }
    String text = charset.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text (or UTF-16 with a byte order mark)";
    }
    String m = e.getMessage();
    return m == null ? "input/output error" : m;
  }

  /**
   * Parses and converts the texts into one policy set. Every problem found is added to {@code
   * diagnostics} (errors and warnings, all of them, ordered by file and position); bad input never
   * throws. The result models whatever could be read; callers stop at {@link
   * Diagnostics#hasErrors}. A text found under a directory that holds no Kubernetes or Calico
   * resource (Helm's {@code Chart.yaml}, {@code values.yaml} and templates, {@code
   * kustomization.yaml}, CI files) is skipped; one note lists the skipped files.
   */
  public static PolicySet load(List<SourceText> sources, Diagnostics diagnostics) {
    return input(sources, diagnostics, null).set();
  }

  /** As {@link #load(List, Diagnostics)}, as Calico {@code version} enforces the input. */
  public static PolicySet load(
      List<SourceText> sources, Diagnostics diagnostics, CalicoVersion version) {
    return input(sources, diagnostics, null, version).set();
  }

  /**
   * As {@link #input(List, Diagnostics, Span)} where reading no resource is no error (a diff's
   * base).
   */
  public static Input input(List<SourceText> sources, Diagnostics diagnostics) {
    return input(sources, diagnostics, null);
  }

  /**
   * As {@link #load}, with the elements the input holds that Calico or Kubernetes enforces and the
   * model leaves out (specs/semantics.md S9.1), in file and position order; when {@code required}
   * is not null and no resource at all was read, that is an error at {@code required} (a CI job
   * pointed at the wrong path must fail).
   */
  public static Input input(List<SourceText> sources, Diagnostics diagnostics, Span required) {
    return input(sources, diagnostics, required, CalicoVersion.DEFAULT);
  }

  /**
   * As {@link #input(List, Diagnostics, Span)}, as Calico {@code version} enforces the input: the
   * admin policy kinds it enforces, its built-in tiers, its validation and its equal-order
   * tie-break (specs/semantics.md S2.10, S2.11, S7.2, S8).
   */
  public static Input input(
      List<SourceText> sources, Diagnostics diagnostics, Span required, CalicoVersion version) {
    return input(sources, diagnostics, required, version, null);
  }

  /**
   * As above, enforced by Felix's {@code dataplane} ({@code --dataplane}; null: none chosen), which
   * decides what of the input is unmodelled (specs/semantics.md S4.6, S6.6, S6.11, S9.1).
   */
  public static Input input(
      List<SourceText> sources,
      Diagnostics diagnostics,
      Span required,
      CalicoVersion version,
      dev.tierproof.model.Dataplane dataplane) {
    Diagnostics found = new Diagnostics();
    Resources resources = new Resources(found, version, dataplane);
    Map<String, Integer> order = new HashMap<>();
    List<String> skipped = new ArrayList<>();
    int read = 0;
    for (SourceText source : sources) {
      diagnostics.source(source.file(), source.text());
      order.putIfAbsent(source.file(), order.size());
      Diagnostics parsing = new Diagnostics();
      List<Node> documents = Documents.parse(source, parsing);
      if (source.found() && !holdsResources(source, documents, parsing)) {
        skipped.add(source.file());
        continue;
      }
      parsing.all().forEach(found::add);
      documents.forEach(resources::add);
      read += documents.size();
    }
    PolicySet set = resources.build();
    if (!skipped.isEmpty()) {
      found.note(
          new Span(skipped.get(0), 1, 1),
          "skipped "
              + skipped.size()
              + (skipped.size() == 1 ? " file" : " files")
              + " holding no Kubernetes or Calico resource (no `apiVersion` and `kind`, a Helm template or a"
              + " kustomization): `"
              + String.join("`, `", skipped.subList(0, Math.min(5, skipped.size())))
              + "`"
              + (skipped.size() > 5 ? " and " + (skipped.size() - 5) + " more" : ""));
    }
    if (required != null && read == 0 && !found.hasErrors() && !diagnostics.hasErrors()) {
      found.error(
          required,
          "no Kubernetes or Calico resource in the input"
              + (skipped.isEmpty() ? "" : " (every file was skipped)")
              + ": check the `-f` paths");
      order.putIfAbsent(required.file(), -1);
    }
    List<Unmodelled> unmodelled = new java.util.ArrayList<>(resources.unmodelled(set));
    unmodelled.sort(
        Comparator.comparingInt((Unmodelled u) -> order.getOrDefault(u.span().file(), order.size()))
            .thenComparingInt(u -> u.span().line())
            .thenComparingInt(u -> u.span().column()));
    found.all().stream()
        .sorted(
            Comparator.comparingInt(
                    (Diagnostic d) -> order.getOrDefault(d.span().file(), order.size()))
                .thenComparingInt(d -> d.span().line())
                .thenComparingInt(d -> d.span().column()))
        .forEach(diagnostics::add);
    return new Input(set, unmodelled, resources.suppressions(), resources.services());
  }

  /** Kubernetes API groups of configuration kinds that are not resources of a cluster. */
  private static final List<String> CONFIGURATION_GROUPS =
      List.of("kustomize.config.k8s.io/", "config.kubernetes.io/");

  /**
   * Some document is a resource (a mapping with {@code apiVersion} and {@code kind}, not a
   * kustomize configuration); a text that does not parse counts as one unless it is a template.
   */
  private static boolean holdsResources(
      SourceText source, List<Node> documents, Diagnostics parsing) {
    if (parsing.hasErrors()) {
      return !source.text().contains("{{");
    }
    for (Node d : documents) {
      if (d instanceof Node.Mapping m && m.entry("apiVersion") != null && m.entry("kind") != null) {
        String api = m.entry("apiVersion").value() instanceof Node.Scalar v ? v.text() : "";
        if (CONFIGURATION_GROUPS.stream().noneMatch(api::startsWith)) {
          return true;
        }
      }
    }
    return false;
  }
}
