package dev.tierproof.selector;

import static dev.tierproof.selector.EndpointRefLexer.*;

import dev.tierproof.selector.EndpointRefParser.AddressContext;
import dev.tierproof.selector.EndpointRefParser.AnyNamespaceContext;
import dev.tierproof.selector.EndpointRefParser.BareNameContext;
import dev.tierproof.selector.EndpointRefParser.EndpointRefContext;
import dev.tierproof.selector.EndpointRefParser.ReferenceContext;
import dev.tierproof.selector.EndpointRefParser.ScopedContext;
import dev.tierproof.selector.EndpointRefParser.SelectionContext;
import dev.tierproof.selector.EndpointRefParser.WildcardDomainContext;
import dev.tierproof.selector.EndpointRefParser.WorldContext;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/** Endpoint reference text to {@link EndpointRef}: generated lexer, parser, {@link #build}. */
final class EndpointRefReader {

  /** How the tokens read in messages: these as said, the other literals as themselves. */
  private static final Syntax.Grammar<EndpointRefParser, EndpointRefContext> GRAMMAR =
      Syntax.Grammar.of(
          EndpointRefParser::new,
          EndpointRefParser::endpointRef,
          EndpointRefLexer.VOCABULARY,
          Map.ofEntries(
              Map.entry(Token.EOF, "end of endpoint reference"),
              Map.entry(SELECTOR, "a selector"),
              Map.entry(INT, "a number"),
              Map.entry(IPV4, "an IPv4 address"),
              Map.entry(IPV6, "an IPv6 address"),
              Map.entry(NAME, "a name"),
              Map.entry(WILDCARD_DOMAIN, "a domain")));

  /** A Kubernetes namespace name: an RFC 1123 label. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private EndpointRefReader() {}

  static EndpointRef parse(String text) throws SelectorSyntaxException {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new SelectorSyntaxException("empty endpoint reference", 0);
    }
    CommonTokenStream tokens = Syntax.lex(new EndpointRefLexer(null), text);
    for (Token token : tokens.getTokens()) {
      if (token.getType() == BAD_CHAR) {
        throw new SelectorSyntaxException(badChar(token.getText()), Syntax.offset(text, token));
      }
    }
    return build(text, Syntax.parse(GRAMMAR, text, tokens).reference());
  }

  private static String badChar(String c) {
    return switch (c) {
      case "{" -> "`{` has no matching `}`";
      case " ", "\t" -> "unexpected whitespace (allowed only inside a selector `{...}`)";
      default -> "unexpected character " + Syntax.quoted(c);
    };
  }

  private static EndpointRef build(String text, ReferenceContext ctx)
      throws SelectorSyntaxException {
    if (ctx instanceof WorldContext) {
      return new EndpointRef.World();
    } else if (ctx instanceof AnyNamespaceContext any) {
      return new EndpointRef.SelectorRef(null, selector(text, any.selection()));
    } else if (ctx instanceof BareNameContext bare) {
      String name = bare.bare.getText();
      return name.contains(".")
          ? domain(text, bare.bare, name)
          : new EndpointRef.Named(null, null, name);
    } else if (ctx instanceof WildcardDomainContext wildcard) {
      Token token = wildcard.WILDCARD_DOMAIN().getSymbol();
      return domain(text, token, token.getText());
    } else if (ctx instanceof AddressContext address) {
      return address.prefixLength == null
          ? new EndpointRef.Address(address.getText())
          : new EndpointRef.Range(address.getText());
    }
    ScopedContext scoped = (ScopedContext) ctx;
    String namespace = scoped.namespace().getText();
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw error(
          text,
          scoped.namespace().getStart(),
          Syntax.quoted(namespace)
              + " is not a namespace name (lowercase letters, digits and `-`,"
              + " at most 63 characters)");
    }
    if (scoped.selection() != null) {
      return new EndpointRef.SelectorRef(namespace, selector(text, scoped.selection()));
    } else if (scoped.second == null) {
      return new EndpointRef.Named(namespace, null, scoped.first.getText());
    }
    String kind = scoped.first.getText();
    if (!KIND.matcher(kind).matches()) {
      throw error(
          text,
          scoped.first.getStart(),
          Syntax.quoted(kind) + " is not a kind such as `Deployment`");
    }
    return new EndpointRef.Named(namespace, kind, scoped.second.getText());
  }

  /** {@code *} is {@code all()}; braces hold selector text, its error offsets shifted into ours. */
  private static Selector selector(String text, SelectionContext ctx)
      throws SelectorSyntaxException {
    if (ctx.STAR() != null) {
      return Selector.all();
    }
    Token braces = ctx.SELECTOR().getSymbol();
    String inner = braces.getText().substring(1, braces.getText().length() - 1);
    try {
      return Selector.parse(inner);
    } catch (SelectorSyntaxException e) {
      throw new SelectorSyntaxException(
          e.getMessage(), Syntax.offset(text, braces) + 1 + e.offset());
    }
  }

  /** A dotted name is a domain unless it is a malformed one or a truncated IPv4 address. */
  private static EndpointRef domain(String text, Token token, String name)
      throws SelectorSyntaxException {
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        throw error(text, token, Syntax.quoted(name) + " is not a domain name (empty label)");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw error(
          text, token, Syntax.quoted(name) + " is neither an IPv4 address nor a domain name");
    }
    return new EndpointRef.Domain(name);
  }

  private static SelectorSyntaxException error(String text, Token at, String message) {
    return new SelectorSyntaxException(message, Syntax.offset(text, at));
  }
}
