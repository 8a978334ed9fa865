package dev.tierproof.eval;

import dev.tierproof.model.Cidr;
import dev.tierproof.model.NamedPort;
import java.util.List;
import java.util.Map;

/**
 * Something a rule selector can match: an endpoint or a network set (spec S3.4); {@code pod}: a
 * workload endpoint, the only kind a Service's selector selects (S3.9).
 */
record Entity(
    Map<String, String> labels,
    List<Cidr> nets,
    List<String> domains,
    List<NamedPort> ports,
    boolean pod) {}
