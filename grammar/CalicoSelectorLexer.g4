/*
 * Calico label selectors, lexical rules (calico-semantics.md S4.1; libcalico-go/lib/selector/tokenizer).
 *
 * Only space and TAB separate tokens. A word right after a label is an operator (mode OPERATOR),
 * anywhere else it is a label, so a label may be named `contains`, `in` or `has`. The BAD_* tokens
 * are the lexical errors: SelectorReader reports the first one and the parser never sees them.
 */
lexer grammar CalicoSelectorLexer;

@header { package dev.tierproof.selector; }

WS             : BLANK+ -> skip ;
LPAREN         : '(' ;
RPAREN         : ')' ;
LBRACE         : '{' ;
RBRACE         : '}' ;
COMMA          : ',' ;
EQ             : '==' ;
NE             : '!=' ;
NOT            : '!' ;
AND            : '&&' ;
OR             : '||' ;
// no escapes: a literal ends at the next quote of its kind
STRING_LITERAL : '"' ~'"'* '"' | '\'' ~'\''* '\'' ;
// `has(`, `all(` and `global(` only as exact prefixes: `has (a)` is the label `has`
HAS            : 'has(' BLANK* LABEL_CHAR+ BLANK* ')' ;
ALL            : 'all(' BLANK* ')' ;
GLOBAL         : 'global(' BLANK* ')' ;
// 1..512 characters; the length is checked by SelectorReader
LABEL          : LABEL_CHAR+ -> pushMode(OPERATOR) ;

UNTERMINATED_STRING : '"' ~'"'* | '\'' ~'\''* ;
BAD_HAS        : 'has(' BLANK* LABEL_CHAR* BLANK* ;
BAD_ALL        : 'all(' BLANK* ;
BAD_GLOBAL     : 'global(' BLANK* ;
BAD_CHAR       : . ;

fragment BLANK      : [ \t] ;
fragment LABEL_CHAR : [A-Za-z0-9_./-] ;

// Right after a label: nothing but an operator may follow (Calico's parser rejects anything else).
mode OPERATOR;

OP_WS          : BLANK+ -> skip ;
OP_EQ          : '==' -> type(EQ), popMode ;
OP_NE          : '!=' -> type(NE), popMode ;
CONTAINS       : 'contains' -> popMode ;
// any run of blanks, including none, between the words: `startswith`, `not  in`
STARTS_WITH    : 'starts' BLANK* 'with' -> popMode ;
ENDS_WITH      : 'ends' BLANK* 'with' -> popMode ;
IN             : 'in' -> popMode ;
NOT_IN         : 'not' BLANK* 'in' -> popMode ;
// longest match: a keyword followed by more label characters (`inf`, `ends withs`) is no keyword
BAD_OPERATOR   : ( LABEL_CHAR+
                 | ( 'starts' BLANK* 'with' | 'ends' BLANK* 'with' | 'not' BLANK* 'in' ) LABEL_CHAR+
                 | .
                 ) -> popMode ;
