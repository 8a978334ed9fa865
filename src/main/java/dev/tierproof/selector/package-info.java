/**
 * Calico's label-selector language, and the endpoint references of the command line. The only
 * package that uses ANTLR; the grammars in {@code grammar/} are the source of truth for both
 * syntaxes ({@code CalicoSelectorLexer.g4}, {@code CalicoSelectorParser.g4}, {@code
 * EndpointRef.g4}).
 *
 * <p>Input: selector text (a policy's {@code selector}, a rule's {@code namespaceSelector}, ...)
 * and SRC/DST arguments. Output: the immutable {@link dev.tierproof.selector.Selector} tree, {@link
 * dev.tierproof.selector.EndpointRef}, or a {@link dev.tierproof.selector.SelectorSyntaxException}
 * with a message and the 0-based char offset of the problem. Nothing is printed; no other exception
 * escapes a parse (a null text aside).
 *
 * <p>Implements specs/semantics.md:
 *
 * <ul>
 *   <li>S1.1 lexical rules: only space and TAB separate tokens (a line break is an error); labels
 *       of 1 to 512 characters of {@code [A-Za-z0-9_./-]}; both quote styles, no escapes; {@code
 *       has(}, {@code all(}, {@code global(} only as exact prefixes; operator words only right
 *       after a label, {@code starts with}/{@code ends with}/{@code not in} with any run of blanks
 *       (none included) between the words and a word boundary after them;
 *   <li>S1.2 grammar: {@code !} over {@code &&} over {@code ||}, n-ary and/or, an even run of
 *       {@code !} cancels, set literals may be empty or end with a comma, empty text is {@code
 *       all()}; the tree has exactly the shape Calico's parser builds (parentheses leave no node,
 *       nothing is flattened);
 *   <li>S1.3 evaluation ({@link dev.tierproof.selector.Selector#matches});
 *   <li>S1.4 canonical form and unique id, and the prefix visitor;
 *   <li>S3.8 the pieces of a rule's composed selector: {@link dev.tierproof.selector.Selector#and},
 *       {@link dev.tierproof.selector.Selector#prefixed}, {@link
 *       dev.tierproof.selector.Selector#replaceAll} and {@link
 *       dev.tierproof.selector.Selector#replaceGlobal} (Calico rewrites the text; on the tree a
 *       string literal containing {@code all()} is left alone).
 * </ul>
 *
 * <p>Deliberate differences: parentheses nest at most 128 deep (Calico has no limit); after a
 * label, the lexer itself rejects anything but an operator, where Calico's tokenizer emits the
 * token and its parser rejects it (the accepted language is the same, only the reported error can
 * differ). Checked against every record of the Calico conformance corpus and, by a seeded
 * differential test, against a hand-written model of Calico's tokenizer and parser.
 *
 * <p>Endpoint references (design.md §2): {@code world}; {@code *}, {@code {selector}}, {@code
 * ns/*}, {@code ns/{selector}}; {@code ns/name}, {@code ns/Kind/name}, a bare {@code name}; {@code
 * 10.0.1.5}, {@code fd00::5}; {@code 10.0.0.0/8}; {@code tigera.io}, {@code *.example.com}. A bare
 * word with a dot is a domain ({@code ns/my.pod} names a pod with a dot); a selector runs from its
 * opening brace to the last closing brace of the text.
 */
package dev.tierproof.selector;
