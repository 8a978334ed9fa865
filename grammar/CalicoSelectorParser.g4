/*
 * Calico label selectors, grammar (calico-semantics.md S4.2; libcalico-go/lib/selector/parser).
 * Precedence `!` > `&&` > `||`; `&&` and `||` are n-ary; an empty selector is `all()`.
 */
parser grammar CalicoSelectorParser;

options { tokenVocab = CalicoSelectorLexer; }

@header { package dev.tierproof.selector; }

selector : orExpr? EOF ;

orExpr   : andExpr (OR andExpr)* ;

andExpr  : unary (AND unary)* ;

// `!` binds to one primary; an even number of `!` cancels out
unary    : NOT* primary ;

primary
  : HAS                         # has
  | ALL                         # all
  | GLOBAL                      # global
  | LPAREN orExpr RPAREN        # group
  | LABEL operation             # labelTest
  ;

// the value is always a quoted literal on the right; a set may be empty and may end with a comma
operation
  : op=(EQ | NE | CONTAINS | STARTS_WITH | ENDS_WITH) STRING_LITERAL                    # compare
  | op=(IN | NOT_IN) LBRACE (STRING_LITERAL (COMMA STRING_LITERAL)* COMMA?)? RBRACE     # inSet
  ;
