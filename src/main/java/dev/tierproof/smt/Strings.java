package dev.tierproof.smt;

import com.microsoft.z3.CharSort;
import com.microsoft.z3.Context;
import com.microsoft.z3.SeqExpr;

/**
 * Java strings to Z3 string literals and back: Z3 reads and prints a backslash, {@code u}, and a
 * hexadecimal code point in braces as that code point.
 */
final class Strings {

  private static final String ESCAPE = "\\" + "u{";

  private Strings() {}

  static SeqExpr<CharSort> literal(Context ctx, String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c > 0x7e || c == '\\') {
                out.append(ESCAPE).append(Integer.toHexString(c)).append('}');
              } else {
                out.appendCodePoint(c);
              }
            });
    return ctx.mkString(out.toString());
  }

  /** Reads Z3's printed form: an escape is one code point, anything else is itself. */
  static String decode(String z3) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < z3.length()) {
      int close = z3.indexOf('}', i);
      if (z3.startsWith(ESCAPE, i)
          && close > i + 3
          && z3.substring(i + 3, close).matches("[0-9a-fA-F]{1,5}")) {
        out.appendCodePoint(Integer.parseInt(z3.substring(i + 3, close), 16));
        i = close + 1;
      } else {
        out.append(z3.charAt(i++));
      }
    }
    return out.toString();
  }
}
