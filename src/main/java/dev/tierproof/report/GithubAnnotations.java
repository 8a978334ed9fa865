package dev.tierproof.report;

import dev.tierproof.source.Severity;
import java.util.List;

/**
 * GitHub Actions workflow commands, one line per finding: {@code ::error
 * file=F,line=L,col=C,title=T::message} ({@code note} becomes {@code notice}). Property values
 * escape {@code % \r \n : ,}; the message escapes {@code % \r \n}, as the Actions runner expects.
 */
public final class GithubAnnotations {

  private GithubAnnotations() {}

  public static String render(List<Annotation> annotations) {
    return render(annotations, dev.tierproof.analysis.Caveat.NONE);
  }

  /**
   * As above; each title ends in what the run assumed ({@code TP102 shadowed-rule (dataplane
   * iptables)}, {@link Assumed#suffix}) when a dataplane or Calico release was chosen: no line of
   * its own, so a clean run stays silent.
   */
  static String render(List<Annotation> annotations, dev.tierproof.analysis.Caveat caveat) {
    String assumed = Assumed.suffix(caveat);
    StringBuilder out = new StringBuilder();
    for (Annotation a : annotations) {
      String command = a.level() == Severity.NOTE ? "notice" : a.level().label();
      out.append("::").append(command);
      StringBuilder props = new StringBuilder();
      if (a.location().isKnown()) {
        props.append("file=").append(property(a.location().file()));
        props.append(",line=").append(a.location().line());
        props.append(",col=").append(a.location().column());
      }
      if (props.length() > 0) {
        props.append(',');
      }
      props.append("title=").append(property(a.ruleId() + " " + a.ruleName() + assumed));
      out.append(' ').append(props);
      StringBuilder message = new StringBuilder(a.message());
      for (Annotation.Related r : a.related()) {
        message.append('\n').append(r.message());
        if (r.location().isKnown()) {
          message
              .append(" (")
              .append(r.location().file())
              .append(':')
              .append(r.location().line())
              .append(')');
        }
      }
      out.append("::").append(data(message.toString())).append('\n');
    }
    return out.toString();
  }

  private static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }
}
