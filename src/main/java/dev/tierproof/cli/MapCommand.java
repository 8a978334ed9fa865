package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.End;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.map.Aggregate;
import dev.tierproof.analysis.map.Connectivity;
import dev.tierproof.analysis.map.Covering;
import dev.tierproof.analysis.map.Hypotheticals;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.analysis.map.Unproved;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Input;
import dev.tierproof.model.PolicySet;
import dev.tierproof.model.Scope;
import dev.tierproof.report.MapReport;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.Selector;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code map [SRC [DST]] [flow] [--scope existing|any] [--group class|namespace|workload]}: who can
 * talk to whom, per ordered pair of endpoint groups, DNS names and outside ranges ({@code --scope
 * any}: and classes of pods that could be deployed), with the deciding points of every allowed
 * part. Exit 0, 2 on bad input, 3 when something the input holds but tierproof does not model could
 * change the map.
 */
@Command(
    name = "map",
    mixinStandardHelpOptions = true,
    description =
        "Who can talk to whom: for each ordered pair of endpoint groups (endpoints every flow treats alike) and"
            + " outside ranges, exactly the packets allowed, with the deciding tier, policy and rule of each step.",
    footer = {
      "%nExamples:",
      "  tierproof -f examples/shop map",
      "  tierproof -f policies/ map 'shop/*' --group workload -o html=map.html"
    })
final class MapCommand extends Subcommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SRC",
      description = "only from these ends (an endpoint reference)")
  String source;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "DST",
      description = "only to these ends (an endpoint reference)")
  String destination;

  @Option(
      names = "--group",
      paramLabel = "class|namespace|workload",
      description =
          "class: endpoints every flow treats alike (default); namespace or workload: merged for reading")
  String group = "class";

  @Option(
      names = "--scope",
      paramLabel = "existing|any",
      description =
          "existing: the input's endpoints (default); any: also the pods that could be deployed, a group per"
              + " namespace and class of labels the policies tell apart")
  String scope;

  @Mixin FlowOptions flow = new FlowOptions();

  @Mixin GlobalOptions global = new GlobalOptions();

  @Override
  ExitCode run(Session s, GlobalOptions g) {
    List<Session.Output> outputs = s.outputs(g, MapReport.FORMATS);
    FlowSpec packets = flow.spec(s.args, s.diagnostics);
    Aggregate.By by =
        switch (group) {
          case "class" -> Aggregate.By.CLASS;
          case "namespace" -> Aggregate.By.NAMESPACE;
          case "workload" -> Aggregate.By.WORKLOAD;
          default -> {
            s.diagnostics.error(
                s.args.span(group),
                "`" + group + "` is not a grouping; use `class`, `namespace` or `workload`");
            yield null;
          }
        };
    Scope chosen = scope == null ? Scope.EXISTING : s.scope(scope);
    Optional<EndpointRef> from = reference(s, source, 0);
    Optional<EndpointRef> to =
        reference(s, destination, source != null && source.equals(destination) ? 1 : 0);
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    Optional<Session.Loaded> loaded = s.inputOnly(g);
    if (loaded.isEmpty()) {
      return s.fail();
    }
    Input input = loaded.get().input();
    PolicySet set = input.set();
    boolean any = chosen == Scope.ANY;
    List<Selector> selectors = new ArrayList<>();
    List<End> ends = new ArrayList<>(java.util.Arrays.asList(null, null));
    Predicate<MapResult.Group> sources = covering(s, set, from, source, 0, any, selectors, ends, 0);
    Predicate<MapResult.Group> destinations =
        covering(
            s,
            set,
            to,
            destination,
            source != null && source.equals(destination) ? 1 : 0,
            any,
            selectors,
            ends,
            1);
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    Hypotheticals pods =
        any ? Hypotheticals.of(set, selectors, g.timeoutOrDefault()) : Hypotheticals.NONE;
    if (pods == null) {
      s.err.println(
          "tierproof: inconclusive: the classes of pods that could be deployed could not be enumerated"
              + " (the solver gave up, or there are more than 2000); nothing is proved (try --scope existing)");
      return ExitCode.INCONCLUSIVE;
    }
    MapResult map =
        Aggregate.of(
            Connectivity.run(
                set,
                new Connectivity.Options(
                    sources, destinations, packets, pods, s.progress(g, "map"))),
            by);
    Unproved unproved = Unproved.of(input.unmodelled(), set, any, map, ends.get(0), ends.get(1));
    Caveat caveat = Session.caveat(g, unproved.elements());
    boolean written =
        s.write(outputs, f -> MapReport.render(f, set, chosen.json(), map, caveat, unproved));
    if (!written) {
      return s.fail();
    }
    return caveat.inconclusive() ? s.unmodelled(caveat) : ExitCode.OK;
  }

  private static Optional<EndpointRef> reference(Session s, String text, int occurrence) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(EndpointRef.parse(text));
    } catch (SelectorSyntaxException e) {
      s.diagnostics.error(s.args.span(text, occurrence).shift(e.offset()), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The groups a reference covers ({@code any}: its selector's pods that could be deployed too,
   * whose selector joins {@code selectors}, so that the classes of such pods do not straddle it);
   * the resolved end is put at {@code side} of {@code ends}.
   */
  private static Predicate<MapResult.Group> covering(
      Session s,
      PolicySet set,
      Optional<EndpointRef> ref,
      String text,
      int occurrence,
      boolean any,
      List<Selector> selectors,
      List<End> ends,
      int side) {
    if (ref.isEmpty()) {
      return x -> true;
    }
    Span at = s.args.span(text, occurrence);
    Optional<References.Resolved> resolved =
        References.resolve(ref.get(), set, !any, at, s.diagnostics);
    resolved.ifPresent(r -> ends.set(side, r.end()));
    resolved
        .map(References.Resolved::end)
        .filter(End.Hypothetical.class::isInstance)
        .ifPresent(h -> selectors.add(((End.Hypothetical) h).selector()));
    return resolved.map(r -> Covering.of(r.end(), set)).orElse(x -> false);
  }
}
