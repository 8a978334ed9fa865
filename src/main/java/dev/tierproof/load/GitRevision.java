package dev.tierproof.load;

import dev.tierproof.source.Diagnostics;
import dev.tierproof.source.Span;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Input texts as they are at a git commit: the {@code -f} paths at {@code REF} ({@code --base
 * git:REF}, an invariant's {@code no-new-reachability} baseline), read with the real {@code git}
 * ({@code rev-parse}, {@code cat-file}, {@code ls-tree}, {@code show}) in the repository that holds
 * each path. The files of a directory are chosen by {@link Loader#read}'s rules (extensions, hidden
 * files, {@code --exclude} globs) and, like files found there, are skipped when they hold no
 * resource; every file is bounded by {@link Loader#STREAM_LIMIT} and decoded as a file on disk is.
 */
public final class GitRevision {

  private GitRevision() {}

  /**
   * The texts of {@code paths} at {@code ref}, named {@code REF:path} as the path is given so that
   * locations in them read like the current ones. A path absent at {@code ref} holds nothing (it is
   * new). Problems (standard input, no repository, an unknown commit, git failing) are errors at
   * {@code at}.
   */
  public static List<SourceText> read(
      String ref, List<String> paths, List<String> excludes, Span at, Diagnostics d) {
    // an invalid glob is reported where the -f paths themselves are read
    List<PathMatcher> skip = Loader.globs(excludes, new Diagnostics());
    List<SourceText> out = new ArrayList<>();
    for (String path : paths) {
      if (path.equals("-")) {
        d.error(
            at,
            "`--base git:"
                + ref
                + "` reads the `-f` paths at `"
                + ref
                + "`, but standard input has no history; give files or directories");
        continue;
      }
      files(ref, path, skip, at, d, out);
    }
    return out;
  }

  /** The YAML and JSON files of {@code path} (a file or a directory) at {@code ref}. */
  private static void files(
      String ref,
      String path,
      List<PathMatcher> skip,
      Span at,
      Diagnostics d,
      List<SourceText> out) {
    Path p = Path.of(path).toAbsolutePath().normalize();
    Path dir = Files.isDirectory(p) ? p : p.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      d.error(at, "cannot find the git repository of `" + path + "`: its directory does not exist");
      return;
    }
    Git top = git(dir, "rev-parse", "--show-toplevel");
    if (top.code != 0) {
      d.error(at, "`" + path + "` is not in a git repository" + detail(top));
      return;
    }
    Path root = Path.of(top.text().strip());
    String relative;
    try {
      relative =
          root.toRealPath()
              .relativize(p.toFile().exists() ? p.toRealPath() : p)
              .toString()
              .replace('\\', '/');
    } catch (IOException | IllegalArgumentException e) {
      d.error(at, "cannot place `" + path + "` in the repository at `" + root + "`");
      return;
    }
    Git commit = git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
    if (commit.code != 0) {
      d.error(
          at, "`" + ref + "` is not a commit of the repository at `" + root + "`" + detail(commit));
      return;
    }
    String object = relative.isEmpty() ? ref + ":" : ref + ":" + relative;
    Git type = git(root, "cat-file", "-t", object);
    if (type.code != 0) {
      return; // absent at the base: the whole path is new, so the base has nothing of it
    }
    boolean tree = type.text().strip().equals("tree");
    List<String> names = new ArrayList<>();
    if (tree) {
      Git listing =
          git(
              root,
              "ls-tree",
              "-r",
              "--name-only",
              "-z",
              ref,
              "--",
              relative.isEmpty() ? "." : relative);
      if (listing.code != 0) {
        d.error(at, "cannot list `" + relative + "` at `" + ref + "`" + detail(listing));
        return;
      }
      for (String name : listing.text().split("\u0000")) {
        String inside =
            relative.isEmpty()
                ? name
                : name.substring(Math.min(name.length(), relative.length() + 1));
        if (!name.isEmpty() && !inside.isEmpty() && Loader.wanted(Path.of(inside), skip)) {
          names.add(name);
        }
      }
      names.sort(null);
    } else {
      names.add(relative);
    }
    String shown = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (String name : names) {
      Git show = git(root, "show", ref + ":" + name);
      if (show.code != 0) {
        d.error(at, "cannot read `" + name + "` at `" + ref + "`" + detail(show));
        continue;
      }
      String suffix =
          name.equals(relative) ? "" : name.substring(relative.isEmpty() ? 0 : relative.length());
      String file = ref + ":" + (relative.isEmpty() ? name : shown + suffix);
      try {
        out.add(new SourceText(file, Loader.decode(show.out), tree));
      } catch (IOException e) {
        d.error(at, "cannot read `" + name + "` at `" + ref + "`: " + Loader.reason(e));
      }
    }
  }

  /**
   * What {@code git} printed and how it ended: code -1 when it could not be started, timed out, or
   * printed too much.
   */
  private record Git(int code, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  private static Git git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = Loader.bounded(in);
      } catch (IOException e) {
        p.destroyForcibly();
        return new Git(-1, new byte[0], "cannot read what git printed: " + e.getMessage());
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Git(-1, new byte[0], "git timed out");
      }
      return new Git(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Git(-1, new byte[0], "cannot run git: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Git(-1, new byte[0], "interrupted");
    }
  }

  private static byte[] drain(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** git's first line of complaint, after {@code ": "}; empty when it said nothing. */
  private static String detail(Git g) {
    String e = g.err().strip();
    if (e.isEmpty()) {
      return "";
    }
    return ": " + e.lines().findFirst().orElse("").replaceFirst("^(fatal|error): ", "");
  }
}
