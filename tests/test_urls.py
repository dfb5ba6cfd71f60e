"""Every URL and address of the plan gets one credential check (issue 20, item 2): the field,
what kind of credential (never its value) and where it belongs instead; links people click
must be web links (item 11)."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.problems import PlanError

TOKEN = "Zq8sK2vX9mLp4RtY7wNc"
SECTIONS = """
grafana:
  url: {grafana}
  prometheus_url: {prometheus}
  elasticsearch_url: http://elasticsearch:9200
prometheus:
  remote_write: [{{url: "{remote}"}}]
  alertmanagers: ["{alertmanager}"]
jobs:
  node: {{area: infra, static: ["{static}"]}}
probes:
  - {{name: shop, target: "{probe}"}}
probe_alerting: {{area: app}}
logging:
  output: {{hosts: ["{es}"]}}
  classes: {{application: {{retention: {{delete_after: 30d}}}}}}
  sources: [{{service: web, format: json}}]
"""
CLEAN = {
    "grafana": "https://grafana.shop.example",
    "prometheus": "http://prometheus:9090",
    "remote": "https://mimir.shop.example/api/v1/push",
    "alertmanager": "alertmanager:9093",
    "static": "node-1:9100",
    "probe": "https://shop.example/healthz",
    "es": "https://elasticsearch:9200",
}


def _plan(**changes: str) -> str:
    text = MINIMAL.read_text() + SECTIONS.format(**{**CLEAN, **changes})
    return text.replace(
        "metric: cpu\n",
        'metric: cpu\n    annotations: {dashboard_url: "https://grafana.shop.example/d/x"}\n',
        1,
    )


def _problems(text: str) -> list[tuple[str, str, str]]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [(p.path, p.message, p.rule) for p in caught.value.problems]


def test_the_clean_plan_is_valid() -> None:
    load_plan_text(_plan())


@pytest.mark.parametrize(
    ("change", "path", "found", "instead"),
    [
        ({"grafana": f"https://admin:{TOKEN}@grafana.shop.example"}, "grafana.url",
         "a password in user:password@", "link to a page that asks people to log in"),
        ({"prometheus": f"http://prometheus:9090/?api_key={TOKEN}"}, "grafana.prometheus_url",
         "query parameter 'api_key'", "Grafana keeps data source credentials"),
        ({"es": f"https://elastic:{TOKEN}@elasticsearch:9200"}, "logging.output.hosts[0]",
         "a password in user:password@", "logging.output.user and password"),
        ({"es": f"https://elasticsearch:9200/?api_key={TOKEN}"}, "logging.output.hosts[0]",
         "query parameter 'api_key'", "logging.output.user and password"),
        ({"remote": f"https://{TOKEN}@mimir.shop.example/push"},
         "prometheus.remote_write[0].url", "a user name (or token) in user@", "password_file"),
        ({"static": f"scraper:{TOKEN}@node-1:9100"}, "jobs.node.static[0]",
         "a password in user:password@", "bearer_token_file"),
        ({"probe": f"https://shop.example/healthz?access_token={TOKEN}"}, "probes[0].target",
         "query parameter 'access_token'", "probe an endpoint"),
        ({"alertmanager": f"am:{TOKEN}@alertmanager:9093"}, "prometheus.alertmanagers[0]",
         "a password in user:password@", "give host:port only"),
    ],
    ids=["grafana", "datasource", "es-userinfo", "es-api-key", "remote-write", "static",
         "probe", "alertmanager"],
)  # fmt: skip
def test_credentials_in_any_url_field_are_refused(
    change: dict[str, str], path: str, found: str, instead: str
) -> None:
    problems = _problems(_plan(**change))
    assert [(p, r) for p, _, r in problems] == [(path, "plan/secret")]
    message = problems[0][1]
    what = "address" if path.startswith(("jobs", "prometheus.alertmanagers")) else "URL"
    assert message.startswith(f"the {what} carries credentials ({found}); ")
    assert instead in message and TOKEN not in message


@pytest.mark.parametrize(
    ("url", "found"),
    [
        (f"https://hooks.example/am#access_token={TOKEN}", "fragment parameter 'access_token'"),
        (f"https://hooks.example/am;token={TOKEN}", "matrix parameter 'token'"),
        (f"https://hooks.example/am?code={TOKEN}", "query parameter 'code'"),
        (f"https://hooks.example/am?X-Amz-Signature={TOKEN}",
         "query parameter 'X-Amz-Signature'"),
        (f"https://hooks.slack.com/services/T0001/B0002/{TOKEN}",
         "a Slack webhook token in the path"),
        (f"https://discord.com/api/webhooks/123456/{TOKEN}",
         "a Discord webhook token in the path"),
        (f"https://api.telegram.org/bot123456:{TOKEN}/sendMessage",
         "a Telegram bot token in the path"),
        (f"https://chat.example/hooks/{TOKEN}", "a webhook token in the path"),
        ("https://gh.example/ghp_0123456789abcdefghijABCDEFGHIJ/x", "a token in the path"),
    ],
)  # fmt: skip
def test_webhook_credentials_in_every_form_are_refused(url: str, found: str) -> None:
    text = MINIMAL.read_text().replace("https://tickets.shop.example/hook", url)
    problems = _problems(text)
    assert problems == [
        (
            "channels.tickets.url",
            f"the URL carries credentials ({found}); put the whole URL in a file and name it in "
            "url_file, or the token in a file named in credentials_file",
            "plan/secret",
        )
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://runbooks.shop.example/node-high-cpu",
        "https://www.notion.so/Runbook-0123456789abcdef0123456789abcdef",
        "https://grafana.shop.example/d/abc?orgId=1&var-instance=node-1&from=now-1h",
        "https://tickets.shop.example/hook?keyword=cpu&author=ops",
    ],
)
def test_ordinary_urls_pass(url: str) -> None:
    load_plan_text(MINIMAL.read_text().replace("https://tickets.shop.example/hook", url))


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "data:text/html,x", "file:///etc/passwd"]
)
def test_a_runbook_annotation_must_be_a_web_link(link: str) -> None:
    text = MINIMAL.read_text().replace(
        "    labels: {component: api}",
        f"    labels: {{component: api}}\n    annotations: {{runbook_url: '{link}'}}",
    )
    problems = _problems(text)
    assert [(p, r) for p, _, r in problems] == [("alerts[1].annotations.runbook_url", "plan/url")]
    assert link not in problems[0][1]


def test_runbooks_of_jobs_and_probes_are_checked_too() -> None:
    text = _plan(static="node-1:9100").replace(
        "node: {area: infra, static:",
        f"node: {{area: infra, runbook: 'https://wiki.example/rb?token={TOKEN}', static:",
    )
    problems = _problems(text)
    assert [(p, r) for p, _, r in problems] == [("jobs.node.runbook", "plan/secret")]
    assert TOKEN not in problems[0][1]
