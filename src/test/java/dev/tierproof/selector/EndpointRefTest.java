package dev.tierproof.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tierproof.selector.EndpointRef.Address;
import dev.tierproof.selector.EndpointRef.Domain;
import dev.tierproof.selector.EndpointRef.Named;
import dev.tierproof.selector.EndpointRef.Range;
import dev.tierproof.selector.EndpointRef.SelectorRef;
import dev.tierproof.selector.EndpointRef.World;
import dev.tierproof.selector.Selector.Compare;
import dev.tierproof.selector.Selector.InSet;
import dev.tierproof.selector.Selector.Op;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointRefTest {

  private static final Selector WEB = new Compare("app", Op.EQ, "web");

  static Stream<Arguments> forms() {
    return Stream.of(
        Arguments.of("shop/podA", new Named("shop", null, "podA")),
        Arguments.of("shop/my.pod", new Named("shop", null, "my.pod")),
        Arguments.of("shop/world", new Named("shop", null, "world")),
        Arguments.of("world/web-0", new Named("world", null, "web-0")),
        Arguments.of("shop/Deployment/web", new Named("shop", "Deployment", "web")),
        Arguments.of("podA", new Named(null, null, "podA")),
        Arguments.of("node-1", new Named(null, null, "node-1")),
        Arguments.of("10.0.1.5", new Address("10.0.1.5")),
        Arguments.of("fd00::5", new Address("fd00::5")),
        Arguments.of("::ffff:10.0.0.1", new Address("::ffff:10.0.0.1")),
        Arguments.of("10.0.0.0/8", new Range("10.0.0.0/8")),
        Arguments.of("fd00::/64", new Range("fd00::/64")),
        Arguments.of("tigera.io", new Domain("tigera.io")),
        Arguments.of("www.example.com", new Domain("www.example.com")),
        Arguments.of("*.example.com", new Domain("*.example.com")),
        Arguments.of("shop/{app == 'web'}", new SelectorRef("shop", WEB)),
        Arguments.of("{app == 'web'}", new SelectorRef(null, WEB)),
        Arguments.of(
            "{a in {'x', 'y'}}", new SelectorRef(null, new InSet("a", List.of("x", "y"), false))),
        Arguments.of("shop/*", new SelectorRef("shop", Selector.all())),
        Arguments.of("*", new SelectorRef(null, Selector.all())),
        Arguments.of("world", new World()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forms")
  void parse_eachForm_givesItsReference(String text, EndpointRef expected) throws Exception {
    assertThat(EndpointRef.parse(text)).isEqualTo(expected);
  }

  static Stream<Arguments> badReferences() {
    return Stream.of(
        Arguments.of("", 0, "empty endpoint reference"),
        Arguments.of(
            "shop/",
            5,
            "expected `world`, `*`, a selector, a number, an IPv4 address or a name after `/`,"
                + " found end of endpoint reference"),
        Arguments.of(
            "shop/podA ", 9, "unexpected whitespace (allowed only inside a selector `{...}`)"),
        Arguments.of("{app == 'web'", 0, "`{` has no matching `}`"),
        Arguments.of(
            "shop/{app == }", 13, "expected a quoted string after `==`, found end of selector"),
        Arguments.of(
            "shop/{app web}",
            10,
            "expected `==`, `!=`, `contains`, `starts with`, `ends with`, `in` or `not in`"
                + " after label `app`, found `web`"),
        Arguments.of(
            "Shop/podA",
            0,
            "`Shop` is not a namespace name (lowercase letters, digits and `-`, at most 63 characters)"),
        Arguments.of("shop/apps.v1/web", 5, "`apps.v1` is not a kind such as `Deployment`"),
        Arguments.of("a/b/c/d", 5, "expected end of endpoint reference after name `c`, found `/`"),
        Arguments.of("10.0.1", 0, "`10.0.1` is neither an IPv4 address nor a domain name"),
        Arguments.of("a..example.com", 0, "`a..example.com` is not a domain name (empty label)"),
        Arguments.of("10.0.0.0/x", 9, "expected a number after `/`, found a name `x`"),
        Arguments.of("shop/pod@1", 8, "unexpected character `@`"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badReferences")
  void parse_badReference_throwsWithOffsetAndMessage(String text, int offset, String message) {
    assertThatThrownBy(() -> EndpointRef.parse(text))
        .isInstanceOfSatisfying(
            SelectorSyntaxException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.offset()).isEqualTo(offset);
            });
  }
}
