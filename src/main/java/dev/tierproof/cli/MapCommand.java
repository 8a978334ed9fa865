package dev.tierproof.cli;

import dev.tierproof.analysis.Caveat;
import dev.tierproof.analysis.References;
import dev.tierproof.analysis.Relevance;
import dev.tierproof.analysis.map.Aggregate;
import dev.tierproof.analysis.map.Connectivity;
import dev.tierproof.analysis.map.MapResult;
import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Input;
import dev.tierproof.model.PolicySet;
import dev.tierproof.report.MapReport;
import dev.tierproof.selector.EndpointRef;
import dev.tierproof.selector.SelectorSyntaxException;
import dev.tierproof.source.Span;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code map [SRC [DST]] [flow] [--group class|namespace|workload]}: who can talk to whom, per
 * ordered pair of endpoint groups and outside ranges, with the deciding points of every allowed
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
      paramLabel = "existing",
      description = "existing: the input's endpoints (the only scope map answers so far)")
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
    if (scope != null && !scope.equals("existing")) {
      s.diagnostics.error(
          s.args.span(scope),
          scope.equals("any")
              ? "`map --scope any` (pods not yet deployed) is not supported yet; the map covers the input's endpoints"
              : "`" + scope + "` is not a scope; map answers `existing`");
    }
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
    Predicate<MapResult.Group> sources = covering(s, set, from, source, 0);
    Predicate<MapResult.Group> destinations =
        covering(s, set, to, destination, source != null && source.equals(destination) ? 1 : 0);
    if (s.diagnostics.hasErrors()) {
      return s.fail();
    }
    s.warn(g);
    MapResult map =
        Aggregate.of(
            Connectivity.run(
                set,
                new Connectivity.Options(sources, destinations, packets, s.progress(g, "map"))),
            by);
    Caveat caveat = Session.caveat(g, Relevance.anywhere(input.unmodelled(), set, false));
    boolean written = s.write(outputs, f -> MapReport.render(f, set, "existing", map, caveat));
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

  private static Predicate<MapResult.Group> covering(
      Session s, PolicySet set, Optional<EndpointRef> ref, String text, int occurrence) {
    if (ref.isEmpty()) {
      return x -> true;
    }
    Span at = s.args.span(text, occurrence);
    return References.resolve(ref.get(), set, true, at, s.diagnostics)
        .map(r -> Connectivity.covering(r.end()))
        .orElse(x -> false);
  }
}
