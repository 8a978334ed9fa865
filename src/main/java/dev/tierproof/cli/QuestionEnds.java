package dev.tierproof.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code SRC DST} and {@code --destination-ip}: the two ends of a question about flows, as explain
 * and verify take them (design.md §2). The positions follow the command's own positional parameters
 * (verify's claim comes first).
 */
final class QuestionEnds {

  @Parameters(paramLabel = "SRC", description = "source endpoint reference")
  String source;

  @Parameters(paramLabel = "DST", description = "destination endpoint reference")
  String destination;

  @Option(
      names = "--destination-ip",
      paramLabel = "IP",
      description = "the address of a domain destination")
  String destinationIp;
}
