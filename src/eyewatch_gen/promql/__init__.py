"""PromQL text helpers, the one place that reads and writes PromQL and promtool notation.

- `syntax`: the lexical layer (strings, brackets): `lexical_error`, `string_end`;
- `parse`: a tree with spans; `validity`: whether an expression is valid PromQL
  (`promql_error`, `guard_error`: parse and types, as promtool's parser checks them);
- `labels`: label values quoted and unquoted, `{a="b"}` matchers, promtool series text;
- `selectors`: every series selector in an expression, and whether a series matches one;
- `windows`: range windows and offsets in an expression;
- `index`: selectors and series indexed for fast matching;
- `ratios`: divisions and their operands, and ratios whose numerator can be absent, not 0;
- `tokens`: an expression as tokens with their offsets;
- `shape`: which selectors an expression needs (`and`, `or`, `unless`, `absent`);
- `canonical`: an expression modulo formatting, as Prometheus prints it back.

Conservative by design: promtool stays the authority on full PromQL semantics.
"""
