package dev.tierproof.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tierproof.selector.Selector.All;
import dev.tierproof.selector.Selector.And;
import dev.tierproof.selector.Selector.Compare;
import dev.tierproof.selector.Selector.Global;
import dev.tierproof.selector.Selector.Has;
import dev.tierproof.selector.Selector.InSet;
import dev.tierproof.selector.Selector.Not;
import dev.tierproof.selector.Selector.Op;
import dev.tierproof.selector.Selector.Or;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorTest {

  private static final String OPERATORS =
      "expected `==`, `!=`, `contains`, `starts with`, `ends with`, `in` or `not in`";

  private static final String PRIMARIES = "`(`, `!`, `has(label)`, `all()`, `global()`";

  private static final Selector HAS_NAMESPACE = new Has("projectcalico.org/namespace");

  @Test
  void parse_emptyOrBlank_isAll() throws Exception {
    assertThat(Selector.parse("")).isEqualTo(new All());
    assertThat(Selector.parse(" \t ")).isEqualTo(new All());
    assertThat(Selector.parse("").canonical()).isEqualTo("all()");
  }

  @Test
  void parse_precedence_notThenAndThenOr() throws Exception {
    assertThat(Selector.parse("!a == 'x' && b == 'y' || has(c)"))
        .isEqualTo(
            new Or(
                List.of(
                    new And(
                        List.of(
                            new Not(new Compare("a", Op.EQ, "x")), new Compare("b", Op.EQ, "y"))),
                    new Has("c"))));
  }

  @Test
  void parse_runOfNots_evenCancelsOddIsOneNot() throws Exception {
    assertThat(Selector.parse("!!has(a)")).isEqualTo(new Has("a"));
    assertThat(Selector.parse("! !! has(a)")).isEqualTo(new Not(new Has("a")));
    assertThat(Selector.parse("!(!has(a))")).isEqualTo(new Not(new Not(new Has("a"))));
  }

  @Test
  void parse_nestedParentheses_keepNestedAndsUnflattened() throws Exception {
    Selector selector = Selector.parse("a == 'x' && (b == 'y' && c == 'z') && ((has(d)))");

    assertThat(selector)
        .isEqualTo(
            new And(
                List.of(
                    new Compare("a", Op.EQ, "x"),
                    new And(List.of(new Compare("b", Op.EQ, "y"), new Compare("c", Op.EQ, "z"))),
                    new Has("d"))));
    assertThat(selector.canonical())
        .isEqualTo("(a == \"x\" && (b == \"y\" && c == \"z\") && has(d))");
  }

  @Test
  void parse_keywordsInLabelPosition_areLabels() throws Exception {
    assertThat(Selector.parse("contains contains 'x'"))
        .isEqualTo(new Compare("contains", Op.CONTAINS, "x"));
    assertThat(Selector.parse("in in {'a'}")).isEqualTo(new InSet("in", List.of("a"), false));
    assertThat(Selector.parse("not not in {}")).isEqualTo(new InSet("not", List.of(), true));
    assertThat(Selector.parse("has == 'x'")).isEqualTo(new Compare("has", Op.EQ, "x"));
    assertThat(Selector.parse("all != ''")).isEqualTo(new Compare("all", Op.NE, ""));
    assertThat(Selector.parse("startswith starts with 'v'"))
        .isEqualTo(new Compare("startswith", Op.STARTS_WITH, "v"));
  }

  @Test
  void parse_twoWordOperators_acceptAnyRunOfBlanksBetweenWords() throws Exception {
    assertThat(Selector.parse("a starts \t with 'x'"))
        .isEqualTo(new Compare("a", Op.STARTS_WITH, "x"));
    assertThat(Selector.parse("a endswith'x'")).isEqualTo(new Compare("a", Op.ENDS_WITH, "x"));
    assertThat(Selector.parse("a notin{'x'}")).isEqualTo(new InSet("a", List.of("x"), true));
    assertThat(Selector.parse("a!='x'")).isEqualTo(new Compare("a", Op.NE, "x"));
  }

  @Test
  void parse_blanksInsideHasAllGlobal_areAllowed() throws Exception {
    assertThat(Selector.parse("has( a\t)")).isEqualTo(new Has("a"));
    assertThat(Selector.parse("all( )")).isEqualTo(new All());
    assertThat(Selector.parse("global(\t)")).isEqualTo(new Global());
  }

  @Test
  void parse_setLiteral_mayBeEmptyOrEndWithComma() throws Exception {
    assertThat(Selector.parse("a in {}")).isEqualTo(new InSet("a", List.of(), false));
    assertThat(Selector.parse("a in {'b',}")).isEqualTo(new InSet("a", List.of("b"), false));
  }

  @Test
  void parse_stringLiteral_containsTheOtherQuoteAndAnyText() throws Exception {
    assertThat(Selector.parse("a == \"it's && ||\""))
        .isEqualTo(new Compare("a", Op.EQ, "it's && ||"));
    assertThat(Selector.parse("a == 'say \"hi\"\n'"))
        .isEqualTo(new Compare("a", Op.EQ, "say \"hi\"\n"));
  }

  @Test
  void parse_labelLength_512AcceptedAnd513Rejected() throws Exception {
    String max = "k".repeat(512);

    assertThat(Selector.parse(max + " == 'v'")).isEqualTo(new Compare(max, Op.EQ, "v"));
    assertThat(Selector.parse("has(" + max + ")")).isEqualTo(new Has(max));
    assertThatThrownBy(() -> Selector.parse(max + "k == 'v'"))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class,
            e -> {
              assertThat(e.offset()).isZero();
              assertThat(e.getMessage()).endsWith("is 513 characters long, the limit is 512");
            });
    assertThatThrownBy(() -> Selector.parse("has( " + max + "k)"))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class, e -> assertThat(e.offset()).isEqualTo(5));
  }

  @Test
  void parse_nesting_128LevelsAcceptedAndDeeperRejected() throws Exception {
    String ok = "(".repeat(128) + "has(a)" + ")".repeat(128);
    String deep = "(".repeat(129) + "has(a)" + ")".repeat(129);

    assertThat(Selector.parse(ok)).isEqualTo(new Has("a"));
    assertThatThrownBy(() -> Selector.parse(deep))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class,
            e -> {
              assertThat(e.offset()).isEqualTo(128);
              assertThat(e.getMessage()).isEqualTo("parentheses nest deeper than 128 levels");
            });
  }

  static Stream<Arguments> badSelectors() {
    return Stream.of(
        Arguments.of("a", 1, OPERATORS + " after label `a`, found end of selector"),
        Arguments.of("a b", 2, OPERATORS + " after label `a`, found `b`"),
        Arguments.of("a inf 'x'", 2, OPERATORS + " after label `a`, found `inf`"),
        Arguments.of("label = 'v'", 6, OPERATORS + " after label `label`, found `=`"),
        Arguments.of("has (a)", 4, OPERATORS + " after label `has`, found `(`"),
        Arguments.of("b == b", 5, "expected a quoted string after `==`, found a label `b`"),
        Arguments.of(
            "'b1' == b",
            0,
            "expected " + PRIMARIES + ", a label or end of selector, found a quoted string `'b1'`"),
        Arguments.of(
            "has(foo) &&",
            11,
            "expected " + PRIMARIES + " or a label after `&&`, found end of selector"),
        Arguments.of("a == 'x' & has(b)", 9, "expected `&&`, found `&`"),
        Arguments.of("a == 'x' | has(b)", 9, "expected `||`, found `|`"),
        Arguments.of(
            "a == 'x' c",
            9,
            "expected `&&`, `||` or end of selector after `'x'`, found a label `c`"),
        Arguments.of(
            "(a == 'x'", 9, "expected `)`, `&&` or `||` after `'x'`, found end of selector"),
        Arguments.of("()", 1, "expected " + PRIMARIES + " or a label after `(`, found `)`"),
        Arguments.of("foo in {'', ||", 12, "expected `}` or a quoted string after `,`, found `||`"),
        Arguments.of("foo in {'a',,}", 12, "expected `}` or a quoted string after `,`, found `,`"),
        Arguments.of("foo in ''", 7, "expected `{` after `in`, found a quoted string `''`"),
        Arguments.of("a == 'x", 5, "string literal has no closing `'`"),
        Arguments.of("has()", 4, "expected a label after `has(`, found `)`"),
        Arguments.of("has( foo ", 9, "expected `)` after `has(foo`, found end of selector"),
        Arguments.of("all(x)", 4, "expected `)` after `all(`, found `x`"),
        Arguments.of("global(", 7, "expected `)` after `global(`, found end of selector"),
        Arguments.of(
            "a == 'x'\n", 8, "unexpected line break (only spaces and tabs may separate tokens)"),
        Arguments.of("a\r\n== 'x'", 1, OPERATORS + " after label `a`, found a line break"),
        Arguments.of("%", 0, "unexpected character `%`"),
        // a lexical error wins over an earlier syntax error, as in Calico (it tokenizes first)
        Arguments.of("== 'x' %", 7, "unexpected character `%`"),
        // offsets count chars: the emoji is two
        Arguments.of("a == '\uD83D\uDE00' %", 10, "unexpected character `%`"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSelectors")
  void parse_badSelector_throwsWithOffsetAndMessage(String text, int offset, String message) {
    assertThatThrownBy(() -> Selector.parse(text))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.offset()).isEqualTo(offset);
            });
  }

  @Test
  void parse_badSelector_printsNothing() {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      System.setOut(capture);
      for (String bad : List.of("(", "a ==", "foo in {'a' 'b'}", "%", "'x' == a", ")")) {
        assertThatThrownBy(() -> Selector.parse(bad)).isInstanceOf(SelectorSyntaxException.class);
      }
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void matches_operators_followCalicoOnAbsentAndEmpty() throws Exception {
    Map<String, String> none = Map.of();
    Map<String, String> empty = Map.of("a", "");
    Map<String, String> web = Map.of("a", "Web");

    assertThat(Selector.parse("a != 'x'").matches(none)).isTrue();
    assertThat(Selector.parse("a not in {'x'}").matches(none)).isTrue();
    assertThat(Selector.parse("a not in {}").matches(web)).isTrue();
    assertThat(Selector.parse("a in {}").matches(web)).isFalse();
    assertThat(Selector.parse("has(a)").matches(empty)).isTrue();
    assertThat(Selector.parse("a == ''").matches(empty)).isTrue();
    assertThat(Selector.parse("a contains ''").matches(none)).isFalse();
    assertThat(Selector.parse("a starts with ''").matches(empty)).isTrue();
    assertThat(Selector.parse("a ends with 'eb'").matches(web)).isTrue();
    assertThat(Selector.parse("a contains 'we'").matches(web)).isFalse();
    assertThat(Selector.parse("global()").matches(none)).isTrue();
  }

  @Test
  void inSet_values_sortedByCodePointAndDeduplicated() {
    String emoji = "\uD83D\uDE00";
    InSet set = new InSet("k", List.of("b", emoji, "a", "\uFFFF", "b"), false);

    assertThat(set.values()).containsExactly("a", "b", "\uFFFF", emoji);
    assertThat(set.canonical()).isEqualTo("k in {\"a\", \"b\", \"\uFFFF\", \"" + emoji + "\"}");
  }

  @Test
  void records_lists_areImmutableCopies() {
    List<Selector> operands = new ArrayList<>(List.of(new Has("a"), new Has("b")));
    And and = new And(operands);
    operands.add(new Has("c"));

    assertThat(and.operands()).hasSize(2);
    assertThatThrownBy(() -> and.operands().add(new Has("d")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new Or(List.of(new Has("a"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void canonical_quotes_doubleUnlessValueHasDoubleQuote() throws Exception {
    assertThat(Selector.parse("a == 'x' && b != \"it's\" && c == '\"q\"'").canonical())
        .isEqualTo("(a == \"x\" && b != \"it's\" && c == '\"q\"')");
    assertThat(Selector.parse("a not in {'\"', 'z', \"'\"}").canonical())
        .isEqualTo("a not in {'\"', \"'\", \"z\"}");
  }

  @Test
  void uniqueId_allSpellings_shareTheIdOfAll() throws Exception {
    assertThat(Selector.parse(" ( all( ) ) ").uniqueId())
        .isEqualTo(Selector.all().uniqueId())
        .isEqualTo("s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  }

  @Test
  void and_twoSelectors_isOneAndWithoutFlattening() throws Exception {
    Selector x = Selector.parse("x == '1'");
    Selector y = Selector.parse("has(y) && has(z)");

    Selector both = Selector.and(x, y);

    assertThat(both).isEqualTo(new And(List.of(x, y)));
    assertThat(both.canonical()).isEqualTo("(x == \"1\" && (has(y) && has(z)))");
    assertThat(Selector.parse(both.canonical())).isEqualTo(both);
  }

  @Test
  void prefixed_everyKey_butAllAndGlobalUntouched() throws Exception {
    Selector selector = Selector.parse("has(a) || !b in {'x'} || c == 'y' || all() || global()");

    assertThat(selector.prefixed("pcns.").canonical())
        .isEqualTo("(has(pcns.a) || !pcns.b in {\"x\"} || pcns.c == \"y\" || all() || global())");
  }

  @Test
  void replaceAll_namespaceSelectorRewrite_matchesCalicoExample() throws Exception {
    // spec S3.3: NP rule {namespaceSelector: all(), selector: has(label2)}
    Selector ns = Selector.parse("all()").prefixed("pcns.").replaceAll(HAS_NAMESPACE);

    assertThat(Selector.and(ns, Selector.parse("has(label2)")).canonical())
        .isEqualTo("(has(projectcalico.org/namespace) && has(label2))");
  }

  @Test
  void replaceAll_nestedNodes_replacedButStringLiteralsKept() throws Exception {
    Selector selector = Selector.parse("!all() || a == 'all()' || (global() && all())");

    assertThat(selector.replaceAll(HAS_NAMESPACE).canonical())
        .isEqualTo(
            "(!has(projectcalico.org/namespace) || a == \"all()\""
                + " || (global() && has(projectcalico.org/namespace)))");
  }

  @Test
  void replaceGlobal_globalNodes_becomeTheReplacement() throws Exception {
    Selector selector = Selector.parse("global()").prefixed("pcns.");

    assertThat(selector.replaceGlobal(new Not(HAS_NAMESPACE)).canonical())
        .isEqualTo("!has(projectcalico.org/namespace)");
    assertThat(Selector.parse("all()").replaceGlobal(HAS_NAMESPACE)).isEqualTo(new All());
  }

  @Test
  void keys_everyTestedKey_sortedWithoutAllOrGlobal() throws Exception {
    Selector selector =
        Selector.parse(
            "!(z == '1' || has(b)) && a not in {} && all() && global() && b contains 'x'");

    assertThat(selector.keys()).containsExactly("a", "b", "z");
    assertThat(Selector.all().keys()).isEmpty();
  }
}
