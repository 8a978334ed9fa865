package dev.tierproof.selector;

import dev.tierproof.selector.Selector.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent, hand-written model of Calico's selector tokenizer and recursive-descent parser
 * (libcalico-go/lib/selector/{tokenizer,parser}, spec S4), step by step, without ANTLR. The
 * differential test checks that the grammar-generated parser accepts exactly the same texts and
 * builds exactly the same trees.
 */
final class CalicoReference {

  private CalicoReference() {}

  /** Calico rejects the text (tokenizer or parser error). */
  static final class Rejected extends Exception {
    Rejected(String message) {
      super(message, null, false, false);
    }
  }

  enum Kind {
    LABEL,
    STRING,
    LBRACE,
    RBRACE,
    COMMA,
    EQ,
    NE,
    IN,
    NOT,
    NOT_IN,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH,
    ALL,
    HAS,
    LPAREN,
    RPAREN,
    AND,
    OR,
    GLOBAL,
    EOF
  }

  record Tok(Kind kind, String value) {}

  static Selector parse(String text) throws Rejected {
    List<Tok> tokens = tokenize(text);
    if (tokens.get(0).kind() == Kind.EOF) {
      return new Selector.All();
    }
    int[] at = {0};
    Selector selector = or(tokens, at);
    if (tokens.get(at[0]).kind() != Kind.EOF) {
      throw new Rejected("unexpected content at end of selector");
    }
    return selector;
  }

  static List<Tok> tokenize(String input) throws Rejected {
    List<Tok> tokens = new ArrayList<>();
    String in = input;
    while (true) {
      in = trim(in);
      if (in.isEmpty()) {
        tokens.add(new Tok(Kind.EOF, null));
        return tokens;
      }
      Kind last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1).kind();
      char c = in.charAt(0);
      switch (c) {
        case '(' -> {
          tokens.add(new Tok(Kind.LPAREN, null));
          in = in.substring(1);
        }
        case ')' -> {
          tokens.add(new Tok(Kind.RPAREN, null));
          in = in.substring(1);
        }
        case '{' -> {
          tokens.add(new Tok(Kind.LBRACE, null));
          in = in.substring(1);
        }
        case '}' -> {
          tokens.add(new Tok(Kind.RBRACE, null));
          in = in.substring(1);
        }
        case ',' -> {
          tokens.add(new Tok(Kind.COMMA, null));
          in = in.substring(1);
        }
        case '"', '\'' -> {
          int end = in.indexOf(c, 1);
          if (end < 0) {
            throw new Rejected("unterminated string");
          }
          tokens.add(new Tok(Kind.STRING, in.substring(1, end)));
          in = in.substring(end + 1);
        }
        case '=' -> {
          in = expect(in, "==", "expected ==");
          tokens.add(new Tok(Kind.EQ, null));
        }
        case '&' -> {
          in = expect(in, "&&", "expected &&");
          tokens.add(new Tok(Kind.AND, null));
        }
        case '|' -> {
          in = expect(in, "||", "expected ||");
          tokens.add(new Tok(Kind.OR, null));
        }
        case '!' -> {
          if (in.startsWith("!=")) {
            tokens.add(new Tok(Kind.NE, null));
            in = in.substring(2);
          } else {
            tokens.add(new Tok(Kind.NOT, null));
            in = in.substring(1);
          }
        }
        default -> {
          String rest;
          if (last == Kind.LABEL) {
            if ((rest = word(in, "contains")) != null) {
              tokens.add(new Tok(Kind.CONTAINS, null));
            } else if ((rest = words(in, "starts", "with")) != null) {
              tokens.add(new Tok(Kind.STARTS_WITH, null));
            } else if ((rest = words(in, "ends", "with")) != null) {
              tokens.add(new Tok(Kind.ENDS_WITH, null));
            } else if ((rest = words(in, "not", "in")) != null) {
              tokens.add(new Tok(Kind.NOT_IN, null));
            } else if ((rest = word(in, "in")) != null) {
              tokens.add(new Tok(Kind.IN, null));
            } else {
              throw new Rejected("expected operator after label");
            }
            in = rest;
          } else if (in.startsWith("has(")) {
            rest = trim(in.substring(4));
            String label = identifier(rest);
            rest = trim(rest.substring(label.length()));
            if (!rest.startsWith(")")) {
              throw new Rejected("no closing ')' after has(");
            }
            tokens.add(new Tok(Kind.HAS, label));
            in = rest.substring(1);
          } else if (in.startsWith("all(") || in.startsWith("global(")) {
            boolean all = in.startsWith("all(");
            rest = trim(in.substring(all ? 4 : 7));
            if (!rest.startsWith(")")) {
              throw new Rejected("no closing ')'");
            }
            tokens.add(new Tok(all ? Kind.ALL : Kind.GLOBAL, null));
            in = rest.substring(1);
          } else {
            String label = identifier(in);
            tokens.add(new Tok(Kind.LABEL, label));
            in = in.substring(label.length());
          }
        }
      }
    }
  }

  private static String trim(String in) {
    int i = 0;
    while (i < in.length() && (in.charAt(i) == ' ' || in.charAt(i) == '\t')) {
      i++;
    }
    return in.substring(i);
  }

  private static String expect(String in, String token, String message) throws Rejected {
    if (!in.startsWith(token)) {
      throw new Rejected(message);
    }
    return in.substring(token.length());
  }

  /** The rest after {@code keyword} if a word boundary follows it, else null. */
  private static String word(String in, String keyword) {
    if (!in.startsWith(keyword)) {
      return null;
    }
    String rest = in.substring(keyword.length());
    return boundary(rest) ? rest : null;
  }

  /** Calico trims blanks after every word, then wants a boundary after the last. */
  private static String words(String in, String first, String second) {
    if (!in.startsWith(first)) {
      return null;
    }
    String rest = trim(in.substring(first.length()));
    if (!rest.startsWith(second)) {
      return null;
    }
    rest = trim(rest.substring(second.length()));
    return boundary(rest) ? rest : null;
  }

  private static boolean boundary(String rest) {
    return rest.isEmpty() || !labelChar(rest.charAt(0));
  }

  private static String identifier(String in) throws Rejected {
    int i = 0;
    while (i < in.length() && labelChar(in.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new Rejected("expected identifier");
    }
    if (i > 512) {
      throw new Rejected("label too long");
    }
    return in.substring(0, i);
  }

  private static boolean labelChar(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '_'
        || c == '.'
        || c == '/'
        || c == '-';
  }

  private static Selector or(List<Tok> tokens, int[] at) throws Rejected {
    List<Selector> operands = new ArrayList<>();
    operands.add(and(tokens, at));
    while (tokens.get(at[0]).kind() == Kind.OR) {
      at[0]++;
      operands.add(and(tokens, at));
    }
    return operands.size() == 1 ? operands.get(0) : new Selector.Or(operands);
  }

  private static Selector and(List<Tok> tokens, int[] at) throws Rejected {
    List<Selector> operands = new ArrayList<>();
    operands.add(operation(tokens, at));
    while (tokens.get(at[0]).kind() == Kind.AND) {
      at[0]++;
      operands.add(operation(tokens, at));
    }
    return operands.size() == 1 ? operands.get(0) : new Selector.And(operands);
  }

  private static Selector operation(List<Tok> tokens, int[] at) throws Rejected {
    boolean negated = false;
    while (tokens.get(at[0]).kind() == Kind.NOT) {
      negated = !negated;
      at[0]++;
    }
    Tok first = tokens.get(at[0]);
    Selector selector;
    switch (first.kind()) {
      case HAS -> {
        selector = new Selector.Has(first.value());
        at[0]++;
      }
      case ALL -> {
        selector = new Selector.All();
        at[0]++;
      }
      case GLOBAL -> {
        selector = new Selector.Global();
        at[0]++;
      }
      case LPAREN -> {
        at[0]++;
        selector = or(tokens, at);
        if (tokens.get(at[0]).kind() != Kind.RPAREN) {
          throw new Rejected("expected )");
        }
        at[0]++;
      }
      case LABEL -> selector = labelOperation(tokens, at);
      default -> throw new Rejected("unexpected token " + first);
    }
    return negated ? new Selector.Not(selector) : selector;
  }

  private static Selector labelOperation(List<Tok> tokens, int[] at) throws Rejected {
    if (tokens.size() - at[0] < 3) {
      throw new Rejected("unexpected end of string looking for op");
    }
    String key = tokens.get(at[0]).value();
    Kind op = tokens.get(at[0] + 1).kind();
    Tok operand = tokens.get(at[0] + 2);
    Op compare =
        switch (op) {
          case EQ -> Op.EQ;
          case NE -> Op.NE;
          case CONTAINS -> Op.CONTAINS;
          case STARTS_WITH -> Op.STARTS_WITH;
          case ENDS_WITH -> Op.ENDS_WITH;
          default -> null;
        };
    if (compare != null) {
      if (operand.kind() != Kind.STRING) {
        throw new Rejected("expected string");
      }
      at[0] += 3;
      return new Selector.Compare(key, compare, operand.value());
    }
    if (op != Kind.IN && op != Kind.NOT_IN) {
      throw new Rejected("expected == or !=");
    }
    if (operand.kind() != Kind.LBRACE) {
      throw new Rejected("expected set literal");
    }
    at[0] += 3;
    List<String> values = new ArrayList<>();
    while (tokens.get(at[0]).kind() == Kind.STRING) {
      values.add(tokens.get(at[0]).value());
      at[0]++;
      if (tokens.get(at[0]).kind() != Kind.COMMA) {
        break;
      }
      at[0]++;
    }
    if (tokens.get(at[0]).kind() != Kind.RBRACE) {
      throw new Rejected("expected }");
    }
    at[0]++;
    return new Selector.InSet(key, values, op == Kind.NOT_IN);
  }
}
