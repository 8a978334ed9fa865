/**
 * Source positions and diagnostics.
 *
 * <p>Input: file names, text and positions reported by the other stages. Output: {@link
 * dev.tierproof.source.Span} (file, 1-based line and column), {@link
 * dev.tierproof.source.Diagnostic} (severity, span, message), {@link dev.tierproof.source.Severity}
 * (error, warning, note: of diagnostics, lint findings and invariants alike) and {@link
 * dev.tierproof.source.Diagnostics}, the collector every stage reports into so that all problems of
 * a run are listed together, rendered as {@code file:line:col: error: message}, the source line and
 * a caret under the column.
 */
package dev.tierproof.source;
