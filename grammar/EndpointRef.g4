/*
 * Endpoint references on the command line (design.md S2): SRC and DST of explain and verify.
 *
 *   world                  any address outside the cluster
 *   * | {selector}         any workload endpoint (of any namespace) whose labels match
 *   ns/* | ns/{selector}   the same, in namespace ns
 *   ns/name | ns/Kind/name a pod or workload of namespace ns
 *   name                   the one endpoint with that name (no dot: a bare word with a dot is a domain)
 *   10.0.1.5 | fd00::5     an address; 10.0.0.0/8 | fd00::/64 a range
 *   tigera.io | *.x.com    a domain name
 *
 * A selector runs from its `{` to the last `}` of the text; EndpointRefReader parses it with the
 * selector grammar. No whitespace outside the braces.
 */
grammar EndpointRef;

@header { package dev.tierproof.selector; }

endpointRef : reference EOF ;

reference
  : WORLD                                                             # world
  | selection                                                         # anyNamespace
  | bare=(NAME | INT)                                                 # bareName
  | WILDCARD_DOMAIN                                                   # wildcardDomain
  | namespace SLASH ( selection | first=objectName (SLASH second=objectName)? )  # scoped
  | address=(IPV4 | IPV6) (SLASH prefixLength=INT)?                   # address
  ;

namespace  : NAME | INT | WORLD ;
objectName : NAME | INT | WORLD | IPV4 ;
selection  : STAR | SELECTOR ;

WORLD           : 'world' ;
SLASH           : '/' ;
STAR            : '*' ;
SELECTOR        : '{' ANY* '}' ;
INT             : DIGIT+ ;
IPV4            : DIGIT+ '.' DIGIT+ '.' DIGIT+ '.' DIGIT+ ;
IPV6            : [0-9A-Fa-f.]* ':' [0-9A-Fa-f:.]* ;
NAME            : ALNUM NAME_CHAR* ;
WILDCARD_DOMAIN : '*.' NAME ;
BAD_CHAR        : . ;

fragment DIGIT     : [0-9] ;
fragment ALNUM     : [A-Za-z0-9] ;
fragment NAME_CHAR : [A-Za-z0-9_.-] ;
fragment ANY       : [\u0000-\u{10FFFF}] ;
