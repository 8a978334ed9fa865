package dev.tierproof.smt;

import dev.tierproof.model.Domains;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The destination DNS names that policy can tell apart (spec S3.6): a name matters only through the
 * patterns of the input it matches, so one representative per realizable set of matched patterns is
 * exact. Representative 0 matches no pattern and stands for "no name".
 *
 * <p>Realizable sets: each exact name; for each glob {@code *.s}, {@code x.s} with a dot-free label
 * {@code x} that makes no exact name (it matches exactly the globs whose suffix ends {@code .s},
 * which every name under {@code *.s} matches); nothing else.
 */
public final class DomainClasses {

  private final List<String> patterns;
  private final List<String> representatives = new ArrayList<>();
  private final List<Set<Integer>> signatures = new ArrayList<>();
  private final List<String> origins = new ArrayList<>();

  DomainClasses(Set<String> rawPatterns) {
    Set<String> normalized = new LinkedHashSet<>();
    rawPatterns.forEach(p -> normalized.add(Domains.normalize(p)));
    patterns = List.copyOf(normalized);
    Set<String> exact = new HashSet<>();
    patterns.stream().filter(p -> !p.startsWith("*.")).forEach(exact::add);
    Map<Set<Integer>, String> byMatch = new LinkedHashMap<>();
    Map<Set<Integer>, String> origin = new LinkedHashMap<>();
    byMatch.put(Set.of(), null);
    for (String p : patterns) {
      String name = p;
      if (p.startsWith("*.")) {
        String suffix = p.substring(1);
        int n = 0;
        name = "x" + suffix;
        while (exact.contains(name)) {
          name = "x" + ++n + suffix;
        }
      }
      byMatch.putIfAbsent(signature(name), name);
      origin.putIfAbsent(signature(name), p);
    }
    byMatch.forEach(
        (sig, name) -> {
          signatures.add(sig);
          representatives.add(name);
          origins.add(origin.get(sig));
        });
  }

  /** The classes of the names {@code set}'s rules and network sets tell apart. */
  public static DomainClasses of(dev.tierproof.model.PolicySet set) {
    return new DomainClasses(Network.patterns(set));
  }

  public int size() {
    return representatives.size();
  }

  /** The name that class {@code index} decodes to; null for class 0. */
  public String representative(int index) {
    return representatives.get(index);
  }

  /**
   * The pattern (normalized) whose names class {@code index} holds: an exact name, or a glob whose
   * names other classes do not hold; null for class 0.
   */
  public String pattern(int index) {
    return origins.get(index);
  }

  /** The class of a concrete name (null: class 0). */
  public int classOf(String name) {
    if (name == null) {
      return 0;
    }
    int i = signatures.indexOf(signature(Domains.normalize(name)));
    if (i < 0) {
      throw new IllegalStateException("no domain class for " + name);
    }
    return i;
  }

  /** The classes whose names match at least one of {@code anyOf}. */
  List<Integer> matching(List<String> anyOf) {
    Set<Integer> ids = new HashSet<>();
    for (String p : anyOf) {
      ids.add(patterns.indexOf(Domains.normalize(p)));
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i++) {
      if (signatures.get(i).stream().anyMatch(ids::contains)) {
        out.add(i);
      }
    }
    return out;
  }

  private Set<Integer> signature(String name) {
    Set<Integer> sig = new HashSet<>();
    for (int i = 0; i < patterns.size(); i++) {
      if (Domains.matches(patterns.get(i), name)) {
        sig.add(i);
      }
    }
    return Set.copyOf(sig);
  }
}
