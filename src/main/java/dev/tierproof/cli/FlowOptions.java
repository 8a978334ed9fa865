package dev.tierproof.cli;

import dev.tierproof.model.FlowSpec;
import dev.tierproof.model.Port;
import dev.tierproof.model.Protocols;
import dev.tierproof.source.Diagnostics;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** {@code [flow]}: the flow restrictions of explain and verify (design.md §2). */
final class FlowOptions {

  private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(?::(\\d{1,5}))?");

  @Option(
      names = "--protocol",
      paramLabel = "TCP|UDP|SCTP|ICMP|ICMPv6|N",
      description = "IP protocol, a name (any case) or a number 1-255")
  String protocol;

  @Option(
      names = "--port",
      paramLabel = "N|N:M",
      description = "destination port or inclusive range")
  String port;

  @Option(
      names = "--source-port",
      paramLabel = "N|N:M",
      description = "source port or inclusive range")
  String sourcePort;

  @Option(names = "--icmp-type", paramLabel = "T", description = "ICMP type 0-255")
  String icmpType;

  @Option(
      names = "--icmp-code",
      paramLabel = "C",
      description = "ICMP code 0-255 (needs --icmp-type)")
  String icmpCode;

  @Option(names = "--ip-version", paramLabel = "4|6", description = "address family")
  String ipVersion;

  /** The spec, or null after reporting every malformed value into {@code d}. */
  FlowSpec spec(Arguments args, Diagnostics d) {
    int errors = d.errors().size();
    Integer proto = null;
    if (protocol != null) {
      proto = Protocols.parseLenient(protocol).orElse(null);
      if (proto == null) {
        d.error(
            args.span(protocol),
            "`"
                + protocol
                + "` is not a protocol; use TCP, UDP, SCTP, ICMP, ICMPv6, UDPLite or a number 1-255");
      }
    }
    Port.Range dst = ports("--port", port, args, d);
    Port.Range src = ports("--source-port", sourcePort, args, d);
    Integer type = number("--icmp-type", icmpType, 255, args, d);
    Integer code = number("--icmp-code", icmpCode, 255, args, d);
    Integer version = null;
    if (ipVersion != null) {
      if (ipVersion.equals("4") || ipVersion.equals("6")) {
        version = Integer.parseInt(ipVersion);
      } else {
        d.error(args.span(ipVersion), "`--ip-version` is 4 or 6, not `" + ipVersion + "`");
      }
    }
    if (d.errors().size() > errors) {
      return null;
    }
    consistent(proto, args, d);
    return d.errors().size() > errors ? null : new FlowSpec(proto, dst, src, type, code, version);
  }

  /** Ports need a protocol with ports, ICMP fields an ICMP protocol, a code its type. */
  private void consistent(Integer proto, Arguments args, Diagnostics d) {
    boolean ports = port != null || sourcePort != null;
    boolean icmp = icmpType != null || icmpCode != null;
    String portOption = port != null ? "--port" : "--source-port";
    String icmpOption = icmpType != null ? "--icmp-type" : "--icmp-code";
    if (proto != null && ports && !Protocols.hasPorts(proto)) {
      d.error(
          args.span(protocol),
          "`"
              + portOption
              + "` needs a protocol with ports (TCP, UDP, SCTP, UDPLite), not `"
              + protocol
              + "`");
    }
    if (proto != null && icmp && !Protocols.isIcmp(proto)) {
      d.error(
          args.span(protocol),
          "`" + icmpOption + "` needs protocol ICMP or ICMPv6, not `" + protocol + "`");
    }
    if (proto == null && ports && icmp) {
      d.error(
          args.span(port != null ? port : sourcePort),
          "`" + portOption + "` and `" + icmpOption + "` exclude each other");
    }
    if (icmpCode != null && icmpType == null) {
      d.error(args.span(icmpCode), "`--icmp-code` needs `--icmp-type`");
    }
  }

  private static Port.Range ports(String option, String text, Arguments args, Diagnostics d) {
    if (text == null) {
      return null;
    }
    Matcher m = PORTS.matcher(text);
    if (m.matches()) {
      int min = Integer.parseInt(m.group(1));
      int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
      if (max <= 65535 && min <= max) {
        return new Port.Range(min, max);
      }
    }
    d.error(
        args.span(text),
        "`" + option + "` takes a port 0-65535 or a range N:M with N <= M, not `" + text + "`");
    return null;
  }

  private static Integer number(
      String option, String text, int max, Arguments args, Diagnostics d) {
    if (text == null) {
      return null;
    }
    if (text.matches("\\d{1,3}") && Integer.parseInt(text) <= max) {
      return Integer.parseInt(text);
    }
    d.error(args.span(text), "`" + option + "` takes a number 0-" + max + ", not `" + text + "`");
    return null;
  }
}
