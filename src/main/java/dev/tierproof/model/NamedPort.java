package dev.tierproof.model;

/** A named port an endpoint declares (container port, HEP {@code ports}). */
public record NamedPort(String name, int protocol, int port) {}
