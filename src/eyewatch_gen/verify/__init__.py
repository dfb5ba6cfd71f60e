"""`eyewatch-gen verify`: the plan against a live Prometheus, read-only. `client` is the only
code that speaks its HTTP API; `blind` (with `facts`, `records`) finds alerts that can never
fire, `compare` checks the loaded rule groups against the generated ones, `backtest` (with
`episodes`, `inline`) forecasts how often each alert would have fired; `run` ties them
together and `present` prints the report."""
