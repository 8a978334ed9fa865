package dev.tierproof.selector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.Vocabulary;

/**
 * What the two readers share: running the generated lexer to completion, running the generated
 * parser so that its first syntax error becomes a {@link SelectorSyntaxException} (ANTLR never
 * prints), char offsets (ANTLR counts code points) and user text in backticks.
 */
final class Syntax {

  private Syntax() {}

  /**
   * A generated parser, its start rule and how its tokens read in messages ({@code Token.EOF}
   * included; a token type without a name is never listed as expected).
   */
  record Grammar<P extends Parser, T extends ParserRuleContext>(
      Function<TokenStream, P> parser, Function<P, T> start, Map<Integer, String> names) {

    /**
     * The names: each literal token of {@code vocabulary} as its text in backticks, the others (and
     * {@code Token.EOF}) as {@code described} says.
     */
    static <P extends Parser, T extends ParserRuleContext> Grammar<P, T> of(
        Function<TokenStream, P> parser,
        Function<P, T> start,
        Vocabulary vocabulary,
        Map<Integer, String> described) {
      Map<Integer, String> names = new HashMap<>(described);
      for (int type = 1; type <= vocabulary.getMaxTokenType(); type++) {
        String literal = vocabulary.getLiteralName(type);
        if (literal != null) {
          names.putIfAbsent(type, "`" + literal.substring(1, literal.length() - 1) + "`");
        }
      }
      return new Grammar<>(parser, start, Map.copyOf(names));
    }
  }

  /** Thrown by the listener at the first syntax error; carries the offending token. */
  private static final class Stop extends RuntimeException {
    final Token at;

    Stop(Token at) {
      super(null, null, false, false);
      this.at = at;
    }
  }

  /** All tokens of {@code text}, EOF last, in a stream ready for a parser. */
  static CommonTokenStream lex(Lexer lexer, String text) {
    lexer.setInputStream(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill();
    return tokens;
  }

  /**
   * Parses {@code tokens} (lexed from {@code text}). At the first syntax error the message says
   * which tokens could have continued the text there: each named token type is tried in place of
   * the offending one, which is exact however far ANTLR's prediction looked ahead.
   */
  static <P extends Parser, T extends ParserRuleContext> T parse(
      Grammar<P, T> grammar, String text, CommonTokenStream tokens) throws SelectorSyntaxException {
    try {
      return run(grammar, tokens);
    } catch (Stop stop) {
      List<Token> prefix = tokens.getTokens().subList(0, stop.at.getTokenIndex());
      List<String> expected = new ArrayList<>();
      grammar.names().keySet().stream()
          .sorted(Comparator.comparing(type -> type == Token.EOF ? Integer.MAX_VALUE : type))
          .filter(type -> viable(grammar, prefix, type))
          .forEach(type -> expected.add(grammar.names().get(type)));
      Token previous = prefix.isEmpty() ? null : prefix.get(prefix.size() - 1);
      String after = previous == null ? "" : " after " + context(previous, grammar.names());
      String found = describe(stop.at, grammar.names());
      String message =
          expected.isEmpty()
              ? "unexpected " + found + after
              : "expected " + oneOf(expected) + after + ", found " + found;
      throw new SelectorSyntaxException(message, offset(text, stop.at));
    }
  }

  private static <P extends Parser, T extends ParserRuleContext> T run(
      Grammar<P, T> grammar, TokenStream tokens) {
    P parser = grammar.parser().apply(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(
        new BaseErrorListener() {
          @Override
          public void syntaxError(
              Recognizer<?, ?> recognizer,
              Object offendingSymbol,
              int line,
              int charPositionInLine,
              String message,
              RecognitionException e) {
            throw new Stop((Token) offendingSymbol);
          }
        });
    return grammar.start().apply(parser);
  }

  /** Whether {@code prefix} followed by a token of {@code type} starts some valid text. */
  private static boolean viable(Grammar<?, ?> grammar, List<Token> prefix, int type) {
    List<Token> tokens = new ArrayList<>(prefix.size() + 2);
    prefix.forEach(t -> tokens.add(new CommonToken(t)));
    tokens.add(new CommonToken(type, ""));
    if (type != Token.EOF) {
      tokens.add(new CommonToken(Token.EOF, ""));
    }
    try {
      run(grammar, new CommonTokenStream(new ListTokenSource(tokens)));
      return true;
    } catch (Stop stop) {
      return stop.at.getTokenIndex() > prefix.size();
    }
  }

  /** The char offset of {@code token} in {@code text}. */
  static int offset(String text, Token token) {
    return text.offsetByCodePoints(0, token.getStartIndex());
  }

  /** {@code `text`}, with line breaks and other control characters spelled out. */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder("`");
    text.codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (c == '\t') {
                out.append("\\t");
              } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('`').toString();
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  private static String oneOf(List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + " or "
        + parts.get(parts.size() - 1);
  }

  /** The token before an error: {@code label `a`}, {@code name `b`}, {@code `==`}. */
  private static String context(Token token, Map<Integer, String> names) {
    String name = names.get(token.getType());
    return "a label".equals(name) || "a name".equals(name)
        ? name.substring(2) + " " + quoted(token.getText())
        : quoted(token.getText());
  }

  /** The token at an error: {@code a label `a`}, {@code `==`}, {@code end of selector}. */
  private static String describe(Token token, Map<Integer, String> names) {
    if (token.getType() == Token.EOF) {
      return names.get(Token.EOF);
    }
    String name = names.get(token.getType());
    return name != null && (name.startsWith("a ") || name.startsWith("an "))
        ? name + " " + quoted(token.getText())
        : quoted(token.getText());
  }
}
