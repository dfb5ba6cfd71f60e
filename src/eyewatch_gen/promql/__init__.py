"""PromQL text helpers, the one place that reads and writes PromQL and promtool notation.

- `syntax`: strings and brackets balance (`lexical_error`), where a string ends (`string_end`);
- `tokens`: an expression as tokens with their offsets, the one lexer;
- `parse`: a tree with spans, built on `tokens`; `validity`: whether an expression is valid PromQL
  (`promql_error`, `guard_error`: parse and types, as promtool's parser checks them);
- `labels`: label values quoted and unquoted, `{a="b"}` matchers, promtool series text;
- `selectors`: every series selector in an expression, and whether a series matches one;
- `windows`: range windows and offsets in an expression;
- `index`: selectors and series indexed for fast matching;
- `ratios`: divisions and their operands, and ratios whose numerator can be absent, not 0
  (on `parse`);
- `shape`: which selectors an expression needs (`and`, `or`, `unless`, `absent`; on `parse`);
- `canonical`: an expression modulo formatting, as Prometheus prints it back (on `tokens`);
- `partition`: whether an expression keeps series apart by one label's values.

Conservative by design: promtool stays the authority on full PromQL semantics.
"""
