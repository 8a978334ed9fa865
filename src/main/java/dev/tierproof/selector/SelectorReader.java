package dev.tierproof.selector;

import static dev.tierproof.selector.CalicoSelectorLexer.*;

import dev.tierproof.selector.CalicoSelectorParser.AllContext;
import dev.tierproof.selector.CalicoSelectorParser.AndExprContext;
import dev.tierproof.selector.CalicoSelectorParser.CompareContext;
import dev.tierproof.selector.CalicoSelectorParser.GlobalContext;
import dev.tierproof.selector.CalicoSelectorParser.GroupContext;
import dev.tierproof.selector.CalicoSelectorParser.HasContext;
import dev.tierproof.selector.CalicoSelectorParser.InSetContext;
import dev.tierproof.selector.CalicoSelectorParser.LabelTestContext;
import dev.tierproof.selector.CalicoSelectorParser.OrExprContext;
import dev.tierproof.selector.CalicoSelectorParser.PrimaryContext;
import dev.tierproof.selector.CalicoSelectorParser.SelectorContext;
import dev.tierproof.selector.CalicoSelectorParser.UnaryContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Selector text to {@link Selector}: the generated lexer runs to the end first (like Calico's
 * tokenizer, so a lexical error anywhere wins over a syntax error before it), then the generated
 * parser, then {@link #build}.
 */
final class SelectorReader {

  static final int MAX_LABEL_LENGTH = 512;

  /** Parentheses nest at most this deep, so that no parse or tree walk can overflow the stack. */
  static final int MAX_DEPTH = 128;

  /** How the tokens read in messages: these as said, the other literals as themselves. */
  private static final Syntax.Grammar<CalicoSelectorParser, SelectorContext> GRAMMAR =
      Syntax.Grammar.of(
          CalicoSelectorParser::new,
          CalicoSelectorParser::selector,
          CalicoSelectorLexer.VOCABULARY,
          Map.ofEntries(
              Map.entry(Token.EOF, "end of selector"),
              Map.entry(EQ, "`==`"),
              Map.entry(NE, "`!=`"),
              Map.entry(STRING_LITERAL, "a quoted string"),
              Map.entry(HAS, "`has(label)`"),
              Map.entry(ALL, "`all()`"),
              Map.entry(GLOBAL, "`global()`"),
              Map.entry(LABEL, "a label"),
              Map.entry(STARTS_WITH, "`starts with`"),
              Map.entry(ENDS_WITH, "`ends with`"),
              Map.entry(NOT_IN, "`not in`")));

  private static final String OPERATORS =
      "`==`, `!=`, `contains`, `starts with`, `ends with`, `in` or `not in`";

  private SelectorReader() {}

  static Selector parse(String text) throws SelectorSyntaxException {
    Objects.requireNonNull(text, "text");
    return build(Syntax.parse(GRAMMAR, text, tokens(text)));
  }

  /** The token stream of {@code text}, EOF last; the first lexical error is thrown. */
  static CommonTokenStream tokens(String text) throws SelectorSyntaxException {
    CommonTokenStream tokens = Syntax.lex(new CalicoSelectorLexer(null), text);
    int depth = 0;
    Token previous = null;
    for (Token token : tokens.getTokens()) {
      check(text, token, previous);
      previous = token;
      if (token.getType() == LPAREN && ++depth > MAX_DEPTH) {
        throw new SelectorSyntaxException(
            "parentheses nest deeper than " + MAX_DEPTH + " levels", Syntax.offset(text, token));
      } else if (token.getType() == RPAREN) {
        depth--;
      }
    }
    return tokens;
  }

  /** The value Calico's tokenizer gives a token: the label, the unquoted string, the has() key. */
  static String value(Token token) {
    String text = token.getText();
    return switch (token.getType()) {
      case STRING_LITERAL -> text.substring(1, text.length() - 1);
      case HAS -> text.substring("has(".length(), text.length() - 1).strip();
      default -> text;
    };
  }

  private static void check(String text, Token token, Token previous)
      throws SelectorSyntaxException {
    int at = Syntax.offset(text, token);
    String t = token.getText();
    int end = at + t.length();
    switch (token.getType()) {
      case LABEL, HAS -> {
        String label = value(token);
        if (label.length() > MAX_LABEL_LENGTH) {
          throw new SelectorSyntaxException(
              "label `"
                  + label.substring(0, 16)
                  + "...` is "
                  + label.length()
                  + " characters long, the limit is "
                  + MAX_LABEL_LENGTH,
              token.getType() == LABEL ? at : at + t.indexOf(label));
        }
      }
      case UNTERMINATED_STRING ->
          throw new SelectorSyntaxException(
              "string literal has no closing " + Syntax.quoted(t.substring(0, 1)), at);
      case BAD_HAS -> {
        String after = t.substring("has(".length()).strip();
        throw after.isEmpty()
            ? error(text, end, "a label after `has(`")
            : error(text, end, "`)` after " + Syntax.quoted("has(" + after));
      }
      case BAD_ALL -> throw error(text, end, "`)` after `all(`");
      case BAD_GLOBAL -> throw error(text, end, "`)` after `global(`");
      case BAD_OPERATOR ->
          throw new SelectorSyntaxException(
              "expected "
                  + OPERATORS
                  + " after label "
                  + Syntax.quoted(previous.getText())
                  + ", found "
                  + found(t),
              at);
      case BAD_CHAR -> throw new SelectorSyntaxException(badChar(t), at);
      default -> {}
    }
  }

  private static String badChar(String c) {
    return switch (c) {
      case "=" -> "expected `==`, found `=`";
      case "&" -> "expected `&&`, found `&`";
      case "|" -> "expected `||`, found `|`";
      case "\n", "\r" -> "unexpected line break (only spaces and tabs may separate tokens)";
      default -> "unexpected character " + Syntax.quoted(c);
    };
  }

  private static SelectorSyntaxException error(String text, int at, String expected) {
    String found =
        at < text.length()
            ? found(text.substring(at, text.offsetByCodePoints(at, 1)))
            : "end of selector";
    return new SelectorSyntaxException("expected " + expected + ", found " + found, at);
  }

  private static String found(String text) {
    return text.equals("\n") || text.equals("\r") ? "a line break" : Syntax.quoted(text);
  }

  /** Parse tree to selector, shaped as Calico's parser builds it. */
  private static Selector build(SelectorContext ctx) {
    return ctx.orExpr() == null ? new Selector.All() : build(ctx.orExpr());
  }

  private static Selector build(OrExprContext ctx) {
    List<Selector> operands = new ArrayList<>();
    for (AndExprContext and : ctx.andExpr()) {
      operands.add(build(and));
    }
    return operands.size() == 1 ? operands.get(0) : new Selector.Or(operands);
  }

  private static Selector build(AndExprContext ctx) {
    List<Selector> operands = new ArrayList<>();
    for (UnaryContext unary : ctx.unary()) {
      operands.add(build(unary));
    }
    return operands.size() == 1 ? operands.get(0) : new Selector.And(operands);
  }

  private static Selector build(UnaryContext ctx) {
    Selector primary = build(ctx.primary());
    return ctx.NOT().size() % 2 == 1 ? new Selector.Not(primary) : primary;
  }

  private static Selector build(PrimaryContext ctx) {
    if (ctx instanceof HasContext has) {
      return new Selector.Has(value(has.HAS().getSymbol()));
    } else if (ctx instanceof AllContext) {
      return new Selector.All();
    } else if (ctx instanceof GlobalContext) {
      return new Selector.Global();
    } else if (ctx instanceof GroupContext group) {
      return build(group.orExpr());
    }
    LabelTestContext test = (LabelTestContext) ctx;
    String key = test.LABEL().getText();
    if (test.operation() instanceof CompareContext compare) {
      Selector.Op op =
          switch (compare.op.getType()) {
            case EQ -> Selector.Op.EQ;
            case NE -> Selector.Op.NE;
            case CONTAINS -> Selector.Op.CONTAINS;
            case STARTS_WITH -> Selector.Op.STARTS_WITH;
            default -> Selector.Op.ENDS_WITH;
          };
      return new Selector.Compare(key, op, value(compare.STRING_LITERAL().getSymbol()));
    }
    InSetContext set = (InSetContext) test.operation();
    List<String> values = new ArrayList<>();
    for (TerminalNode literal : set.STRING_LITERAL()) {
      values.add(value(literal.getSymbol()));
    }
    return new Selector.InSet(key, values, set.op.getType() == NOT_IN);
  }
}
