package dev.tierproof.load;

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
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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

  /**
   * Reads {@code -f} arguments: a file, a directory (recursively its {@code *.yaml}, {@code *.yml}
   * and {@code *.json} files in sorted path order, skipping hidden files and directories), or
   * {@code -} for {@code stdin}. Unreadable paths are errors in {@code diagnostics}; every text
   * read is registered with {@link Diagnostics#source}.
   */
  public static List<SourceText> read(
      List<String> paths, InputStream stdin, Diagnostics diagnostics) {
    List<SourceText> out = new ArrayList<>();
    for (String path : paths) {
      if (path.equals("-")) {
        try {
          out.add(new SourceText(STDIN, decode(stdin.readAllBytes())));
        } catch (IOException e) {
          diagnostics.error(new Span(STDIN, 0, 0), "cannot read: " + reason(e));
        }
        continue;
      }
      Path p;
      try {
        p = Path.of(path);
      } catch (InvalidPathException e) {
        diagnostics.error(new Span(path, 0, 0), "cannot read: invalid path");
        continue;
      }
      if (Files.isDirectory(p)) {
        List<Path> files = directory(p, path, diagnostics);
        if (files.isEmpty()) {
          diagnostics.warning(
              new Span(path, 0, 0), "no *.yaml, *.yml or *.json files under `" + path + "`");
        }
        files.forEach(f -> file(f, f.toString(), out, diagnostics));
      } else {
        file(p, path, out, diagnostics);
      }
    }
    out.forEach(s -> diagnostics.source(s.file(), s.text()));
    return out;
  }

  private static List<Path> directory(Path dir, String name, Diagnostics diagnostics) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> !hidden(dir.relativize(f)) && Files.isRegularFile(f))
          .filter(
              f ->
                  f.getFileName()
                      .toString()
                      .toLowerCase(Locale.ROOT)
                      .matches(".*\\.(yaml|yml|json)"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      diagnostics.error(new Span(name, 0, 0), "cannot read directory: " + reason(e));
      return List.of();
    }
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void file(Path p, String name, List<SourceText> out, Diagnostics diagnostics) {
    try {
      out.add(new SourceText(name, decode(Files.readAllBytes(p))));
    } catch (IOException e) {
      diagnostics.error(new Span(name, 0, 0), "cannot read: " + reason(e));
    }
  }

  private static String decode(byte[] bytes) throws CharacterCodingException {
    String text =
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /**
   * Parses and converts the texts into one policy set. Every problem found is added to {@code
   * diagnostics} (errors and warnings, all of them, ordered by file and position); bad input never
   * throws. The result models whatever could be read; callers stop at {@link
   * Diagnostics#hasErrors}.
   */
  public static PolicySet load(List<SourceText> sources, Diagnostics diagnostics) {
    return input(sources, diagnostics).set();
  }

  /**
   * As {@link #load}, with the elements the input holds that Calico or Kubernetes enforces and
   * the model leaves out (specs/semantics.md S9.1), in file and position order.
   */
  public static Input input(List<SourceText> sources, Diagnostics diagnostics) {
    Diagnostics found = new Diagnostics();
    Resources resources = new Resources(found);
    Map<String, Integer> order = new HashMap<>();
    for (SourceText source : sources) {
      diagnostics.source(source.file(), source.text());
      order.putIfAbsent(source.file(), order.size());
      Documents.parse(source, found).forEach(resources::add);
    }
    PolicySet set = resources.build();
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
    return new Input(set, unmodelled);
  }
}
