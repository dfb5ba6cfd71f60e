"""Synthetic plans for the benchmark: N threshold alerts, D dashboards of P panels, SLOs and
log sources in proportion. Every metric is recorded and has a raw fixture, like the real plan,
so render also writes tests for every alert."""

from __future__ import annotations

HEADER = """\
version: 1
platform: bench
areas:
{areas}
severities:
  P1: {{description: Critical, response_time: 15m, notify: [pager, mail]}}
  P2: {{description: High, response_time: 1h, notify: [mail]}}
  P3: {{description: Medium, response_time: 4h, notify: [mail]}}
  P4: {{description: Low, response_time: 24h, notify: [mail, tickets]}}
channels:
  pager: {{type: pagerduty, routing_key_file: /etc/alertmanager/secrets/pd}}
  mail: {{type: email, to: ops@bench.example}}
  tickets: {{type: webhook, url: "https://tickets.bench.example/hook"}}
smtp: {{smarthost: "smtp.bench.example:587", from: am@bench.example}}
grafana: {{url: https://grafana.bench.example}}
"""

PANEL_METRIC = """\
  m{i}:
    area: a{area}
    description: Busy ratio of component {i}
    unit: percentunit
    expr: 1 - avg without (cpu) (rate(bench_seconds_total{{component="c{i}", mode="idle"}}[5m]))
    panel: {{dashboard: {board}}}
"""

METRIC = """\
  m{i}:
    area: a{area}
    description: Busy ratio of component {i}
    unit: percentunit
    record: instance:bench_busy_{i}:rate5m
    expr: 1 - avg without (cpu) (rate(bench_seconds_total{{component="c{i}", mode="idle"}}[5m]))
    panel: {{dashboard: {board}}}
    fixture:
      labels: {{component: "c{i}", instance: "h:1", mode: idle}}
      series:
        - series: 'bench_seconds_total{{component="c{i}", mode="idle", cpu="0", instance="h:1"}}'
          rate: 1 - v
"""

ALERT = """\
  - name: Busy{i}
    metric: m{i}
    op: ">"
    threshold: 0.8
    for: 5m
    severity: P{level}
    summary: "Component {i} on {{{{ $labels.instance }}}} is busy"
    runbook: https://runbooks.bench.example/busy
"""

SLO = """\
  - service: svc{i}
    objective: 99.9
    sli:
      errors: 'sum(rate(http_requests_total{{service="svc{i}", code=~"5.."}}[{{{{.window}}}}]))'
      total: 'sum(rate(http_requests_total{{service="svc{i}"}}[{{{{.window}}}}]))'
    alerting: {{name: Svc{i}Burn}}
    fixture:
      series:
        - {{series: 'http_requests_total{{service="svc{i}", code="500"}}', rate: 10 * v}}
        - {{series: 'http_requests_total{{service="svc{i}", code="200"}}', rate: 10 * (1 - v)}}
"""


def plan(alerts: int, dashboards: int, panels: int = 20, areas: int = 10) -> str:
    """Plan text: `alerts` alerted metrics plus enough unalerted metrics to fill `dashboards`
    dashboards of `panels` panels; one SLO per 250 alerts, one log source per 100."""
    metrics = max(alerts, dashboards * panels)
    board_names = [f"d{d}" for d in range(dashboards)]
    area_lines = "\n".join(f"  a{a}: {{title: Area {a}}}" for a in range(areas))
    parts = [HEADER.format(areas=area_lines)]
    parts.append(
        "dashboards:\n" + "".join(f"  {b}: {{title: Board {b}}}\n" for b in board_names)
        if board_names
        else ""
    )
    parts.append("metrics:\n")
    for i in range(metrics):
        board = board_names[i // panels] if i < dashboards * panels else f"a{i % areas}"
        # alerted metrics are recorded and carry fixtures; panel-only metrics are plain
        template = METRIC if i < alerts else PANEL_METRIC
        parts.append(template.format(i=i, area=i % areas, board=board))
    parts.append("alerts:\n" if alerts else "alerts: []\n")
    parts += [ALERT.format(i=i, level=1 + i % 4) for i in range(alerts)]
    slos = alerts // 250
    if slos:
        parts.append("slos:\n" + "".join(SLO.format(i=i) for i in range(slos)))
    sources = alerts // 100
    if sources:
        parts.append(_logging(sources))
    return "".join(parts)


def _logging(sources: int) -> str:
    lines = [
        "logging:",
        "  output: {hosts: [https://es.bench.example:9200]}",
        "  classes:",
        "    application: {retention: {warm_after: 7d, delete_after: 30d}}",
        "  sources:",
    ]
    lines += [f"    - {{service: s{i}, format: json}}" for i in range(sources)]
    return "\n".join(lines) + "\n"


SET_METRIC = """\
  lat{i}:
    area: a{area}
    description: p95 latency of endpoints of service {i}
    unit: ms
    record: endpoint:bench_latency_p95_{i}:rate5m
    expr: max by (endpoint) (bench_latency_ms{{service="s{i}"}})
    fixture:
      labels: {{endpoint: e0}}
      series:
        - {{series: 'bench_latency_ms{{service="s{i}", endpoint="e0"}}', value: v}}
"""

ALERT_SET = """\
  - name: "{{Item}}Slow{i}"
    for_each: [{items}]
    label: endpoint
    metric: lat{i}
    op: ">"
    threshold: 500
    for: 5m
    severity: P{level}
    summary: "p95 latency of {{item}} is over budget"
    runbook: https://runbooks.bench.example/latency
    overrides:
      {first}: {{threshold: 1000}}
"""


def alert_set_plan(items: int, sets: int = 10, areas: int = 10) -> str:
    """Plan text: `items` alert-set items spread over `sets` alert sets (one per endpoint of
    a service), each on its own recorded metric with a fixture, one override per set."""
    area_lines = "\n".join(f"  a{a}: {{title: Area {a}}}" for a in range(areas))
    parts = [HEADER.format(areas=area_lines), "metrics:\n"]
    parts += [SET_METRIC.format(i=i, area=i % areas) for i in range(sets)]
    parts.append("alert_sets:\n")
    per_set = [items // sets + (1 if s < items % sets else 0) for s in range(sets)]
    for s, count in enumerate(per_set):
        names = [f"e{s}x{n}" for n in range(count)]
        parts.append(ALERT_SET.format(i=s, items=", ".join(names), level=1 + s % 4, first=names[0]))
    return "".join(parts)
