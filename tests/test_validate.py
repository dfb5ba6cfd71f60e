"""Plan validation: every error names file:line:col, the field path, and what is allowed."""

from __future__ import annotations

import pytest

from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.problems import PlanError


def _errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_minimal_plan_is_valid(minimal_text: str) -> None:
    loaded = load_plan_text(minimal_text)
    assert [a.name for a in loaded.plan.alerts] == ["HighCPU", "ErrorsHigh", "Down"]
    assert loaded.warnings == ()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    threshold: 0.9",
            "    treshold: 0.9",
            "plan.yaml:@@:5: error: alerts[0].treshold: unknown key 'treshold'; "
            "did you mean 'threshold'?",
        ),
        (
            "    for: 10m",
            "    for: 10 minutes",
            "plan.yaml:@@:10: error: alerts[0].for: '10 minutes' is not a duration "
            "(use a Prometheus duration such as 30s, 5m",
        ),
        (
            "severity: P3",
            "severity: P5",
            "plan.yaml:@@:15: error: alerts[2].severity: 'P5' is not allowed; "
            "use 'P1', 'P2', 'P3' or 'P4'",
        ),
        (
            "  P4: {description: Low",
            "  P5: {description: Low",
            "plan.yaml:10:3: error: severities.P5: unknown key 'P5'",
        ),
        (
            "    threshold: 0.9",
            "    threshold: [0.9]",
            "alerts[0].threshold: expected a number, got a list (plan/type)",
        ),
        ("version: 1", "version: 2", "plan.yaml:1:10: error: version: int 2 is not allowed; use 1"),
        (
            "  - name: HighCPU",
            "  - name: high_cpu",
            "alerts[0].name: 'high_cpu' is not allowed: CamelCase",
        ),
        (
            "  cpu:\n",
            "  CPU:\n",
            "plan.yaml:@@:3: error: metrics.CPU: 'CPU' is not allowed: snake_case",
        ),
        (
            '    summary: "{{ $labels.instance }} is down"\n',
            "",
            "alerts[2].summary: required key 'summary' is missing (plan/missing-key)",
        ),
        (
            "routing_key_file: /etc/alertmanager/secrets/pd",
            "routing_key: abc123",
            "channels.pager.routing_key: literal secret 'routing_key' is not allowed",
        ),
        (
            "routing_key_file: /etc/alertmanager/secrets/pd",
            "routing_key_file: secrets/pd",
            "channels.pager.routing_key_file: this value is not allowed: an absolute path",
        ),
        (
            "{type: email, to: ops@shop.example}",
            "{type: email}",
            "channels.mail: a email channel needs to (plan/invalid)",
        ),
        (
            "https://tickets.shop.example/hook",
            "https://bot:hunter2@tickets.shop.example/hook",
            "channels.tickets.url: the URL carries credentials",
        ),
        (
            "https://tickets.shop.example/hook",
            "https://tickets.shop.example/hook?token=abc",
            "(plan/secret)",
        ),
        (
            "    metric: cpu\n",
            "    metric: cpus\n",
            "alerts[0].metric: unknown metric 'cpus'; did you mean 'cpu'?",
        ),
        (
            "notify: [mail]}\n  P3",
            "notify: [mial]}\n  P3",
            "severities.P2.notify[0]: unknown channel 'mial'; did you mean 'mail'?",
        ),
        (
            "  - name: ErrorsHigh",
            "  - name: HighCPU",
            "alerts[1].name: 'HighCPU' is already used (plan.yaml:@HighCPU@)",
        ),
        (
            "    area: infra\n",
            "    area: infrastructure\n",
            "metrics.cpu.area: unknown area 'infrastructure'",
        ),
        ("[5m]))\n  errors", "[5m])\n  errors", "metrics.cpu.expr: not valid PromQL: '(' at"),
        (
            'expr: up{job="app"} == 0',
            'expr: up{job="app} == 0',
            "alerts[2].expr: not valid PromQL: string opened",
        ),
        (
            'summary: "{{ $labels.instance }} is down"',
            'summary: "{{ }} is down"',
            "alerts[2].summary: bad Prometheus template: empty action",
        ),
        (
            "    area: app\n    expr: up",
            "    expr: up",
            "alerts[2]: a raw (expr) alert needs an area",
        ),
        (
            "    metric: cpu\n",
            "    metric: cpu\n    expr: up == 0\n",
            "alerts[0]: expr cannot be combined with metric",
        ),
        (
            "    fixture:\n      series:\n",
            "    fixture2:\n      series:\n",
            "metrics.errors.fixture2: unknown key",
        ),
        ("rate: 20 * v}", "rate: __import__('os')}", "is not allowed (use numbers, v"),
        ("rate: 20 * (1 - v)}", "rate: 20 * (0.01 - v)}", "is negative for v=0.055"),
        (
            'summary: "Error ratio {{ $value | humanizePercentage }}"',
            'summary: "Error ratio {{ $value }}"',
            "alerts[1].summary: {{ $value }} cannot be checked by generated tests",
        ),
        (
            "    for: 10m\n",
            "    for: 10m\n    guard: on () vector(1)\n",
            "alerts[0].guard: cannot generate tests: no recorded series can feed the guard",
        ),
    ],
    ids=[
        "misspelt-key",
        "bad-duration",
        "P5-severity",
        "P5-level-key",
        "wrong-type",
        "bad-version",
        "bad-alert-name",
        "bad-metric-key",
        "missing-field",
        "literal-secret",
        "relative-secret-file",
        "channel-missing-field",
        "credentials-in-url",
        "token-in-query",
        "dangling-metric",
        "dangling-channel",
        "duplicate-alert",
        "dangling-area",
        "unbalanced-promql",
        "unclosed-string",
        "empty-template",
        "raw-alert-without-area",
        "both-alert-forms",
        "misspelt-fixture",
        "fixture-not-arithmetic",
        "negative-counter",
        "unpredictable-template",
        "guard-without-fixture",
    ],
)
def test_error_is_located_and_explained(
    minimal_text: str, old: str, new: str, expected: str
) -> None:
    text = _edit(minimal_text, old, new)
    line = text[: text.index(new)].count("\n") + 1 if new else 0
    expected = expected.replace("@@", str(line))
    if "@HighCPU@" in expected:
        first = text[: text.index("  - name: HighCPU")].count("\n") + 1
        expected = expected.replace("@HighCPU@", str(first))
    errors = _errors(text)
    assert any(expected in e for e in errors), errors


def test_all_problems_are_reported_at_once_and_sorted(minimal_text: str) -> None:
    text = _edit(minimal_text, "    for: 10m", "    for: ten")
    text = _edit(text, "severity: P3", "severity: P9")
    errors = _errors(text)
    assert len(errors) == 2
    assert errors == sorted(errors, key=lambda e: int(e.split(":")[1]))


def test_secret_value_is_never_echoed(minimal_text: str) -> None:
    text = _edit(
        minimal_text, "routing_key_file: /etc/alertmanager/secrets/pd", "routing_key: s3cr3t-value"
    )
    assert not any("s3cr3t-value" in e for e in _errors(text))


SECRET = "R0UT1NG-K3Y-0123456789abcdef"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "routing_key_file: /etc/alertmanager/secrets/pd",
            f"routing_key_file: {SECRET}",
            "channels.pager.routing_key_file: this value is not allowed: an absolute path "
            "(no `..`) to a file on the host, e.g. /etc/alertmanager/secrets/pd "
            "(plan/secret-file)",
        ),
        (
            "routing_key_file: /etc/alertmanager/secrets/pd",
            "routing_key_file: 123456789012345678",
            "channels.pager.routing_key_file: expected a string, got '<hidden>' (plan/type)",
        ),
        (
            '"https://tickets.shop.example/hook"',
            f'"https://bot:{SECRET}@tickets.shop.example/ho ok"',
            "channels.tickets.url: this value is not allowed: an http:// or https:// URL "
            "without spaces, quotes or braces (plan/url)",
        ),
        (
            "    runbook: https://runbooks.shop.example/cpu",
            f"    runbook: https://runbooks.shop.example/cpu?token={SECRET}<",
            "alerts[0].runbook: this value is not allowed: the name of a guide",
        ),
    ],
    ids=["key-as-file", "number-as-file", "url-with-password", "runbook-with-token"],
)
def test_a_field_that_can_hold_a_secret_is_never_echoed(
    minimal_text: str, old: str, new: str, expected: str
) -> None:
    errors = _errors(_edit(minimal_text, old, new))
    assert any(expected in error for error in errors), errors
    assert not any(SECRET in error or "123456789012345678" in error for error in errors)


def test_p1_can_never_be_muted(minimal_text: str) -> None:
    text = minimal_text + (
        "maintenance_windows:\n  - name: patching\n    weekdays: [sunday]\n"
        "    times: [{start: '02:00', end: '04:00'}]\n    mute: [P1, P3]\n"
    )
    assert any("maintenance_windows[0].mute: P1 can never be muted" in e for e in _errors(text))


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("weekdays: [sundy]", "'sundy' is not a valid value; did you mean 'sunday'?"),
        ("weekdays: ['monday:sunday']", "is not a forward range"),
        ("months: [smarch]", "'smarch' is not a valid value"),
        ("location: Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("times: [{start: '04:00', end: '02:00'}]", "start 04:00 is not before end 02:00"),
        ("times: [{start: '25:00', end: '26:00'}]", "'25:00' is not allowed: a 24-hour time"),
    ],
    ids=["weekday", "weekday-range", "month", "time-zone", "reversed-times", "bad-clock"],
)
def test_maintenance_window_errors(minimal_text: str, window: str, expected: str) -> None:
    text = minimal_text + f"maintenance_windows:\n  - name: w\n    {window}\n    mute: [P4]\n"
    assert any(expected in e for e in _errors(text)), _errors(text)


def test_unused_channel_is_a_warning(minimal_text: str) -> None:
    text = _edit(
        minimal_text, "channels:\n", "channels:\n  spare: {type: email, to: spare@shop.example}\n"
    )
    loaded = load_plan_text(text)
    assert [w.rule for w in loaded.warnings] == ["plan/unused-channel"]


def test_raw_alert_without_tests_is_an_error(minimal_text: str) -> None:
    start = minimal_text.index("    tests:\n")
    assert any(
        "alerts[2]: a raw (expr) alert needs `tests`" in e for e in _errors(minimal_text[:start])
    )
