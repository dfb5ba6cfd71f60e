"""amtool on the generated Alertmanager config: `check-config`, then every routing test.

The file is checked as written when the local amtool reads all of it. A feature newer than
the local amtool (a webhook `url_file`, Alertmanager 0.26+, against Debian's 0.25) is checked
on a copy where that feature is replaced by its older form (the webhook gets a stand-in
`url`): routing, receivers and everything else are checked as written. Label values are
passed to `amtool config routes test` quoted and escaped (`team="a b"`), which the classic
matcher parser and the UTF-8 one of Alertmanager 0.27+ read the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.checks import tools
from eyewatch_gen.plan.alerting import Matcher
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

CONFIG = "alertmanager/alertmanager.yml"
TESTS = "alertmanager/routing-tests.yml"

TOOLS = ("amtool",)
CHECK_CONFIG = "amtool/check-config"
ROUTE_TEST = "amtool/route-test"
RULES = (CHECK_CONFIG, ROUTE_TEST)

URL_FILE_STAND_IN = "https://url-file.invalid/"


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings from amtool; none when the config checks and every route test passes."""
    config = out / CONFIG
    if not config.is_file():
        return []
    with tempfile.TemporaryDirectory(prefix="eyewatch-amtool-") as scratch:
        checked = readable_copy(config, Path(scratch), tools.version("amtool"))
        return _check(checked, out / TESTS)


def _check(config: Path, tests_file: Path) -> list[Problem]:
    checked = tools.run("amtool", "check-config", config)
    if checked.returncode:
        message = " ".join((checked.stdout + checked.stderr).split())[-400:]
        return [Problem.in_file(CONFIG, message, CHECK_CONFIG)]
    cases = yaml.safe_load(tests_file.read_text())["tests"] if tests_file.is_file() else []
    return [finding for case in cases for finding in _route(config, case)]


def readable_copy(config: Path, scratch: Path, amtool: tuple[int, ...]) -> Path:
    """`config` itself when amtool `amtool` reads all of it, else a copy in `scratch` with
    each webhook `url_file` (Alertmanager 0.26+) replaced by a stand-in `url`."""
    if amtool >= (0, 26):
        return config
    data = yaml.safe_load(config.read_text())
    webhooks = [
        webhook
        for receiver in data.get("receivers", [])
        for webhook in receiver.get("webhook_configs", [])
        if "url_file" in webhook
    ]
    if not webhooks:
        return config
    for webhook in webhooks:
        webhook["url"] = URL_FILE_STAND_IN
        del webhook["url_file"]
    copy = scratch / "alertmanager.yml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False))
    return copy


def route_arguments(labels: Mapping[str, str]) -> list[str]:
    """`amtool config routes test` label arguments: `name="value"`, quoted and escaped."""
    return [Matcher(name, "=", value).text() for name, value in labels.items()]


def _route(config: Path, case: dict[str, Any]) -> list[Problem]:
    labels = case["labels"]
    receivers = case["receivers"]
    assert isinstance(labels, dict) and isinstance(receivers, list)
    result = tools.run(
        "amtool",
        "config",
        "routes",
        "test",
        f"--config.file={config}",
        f"--verify.receivers={','.join(receivers)}",
        *route_arguments(labels),
    )
    if result.returncode == 0:
        return []
    got = result.stdout.strip().splitlines()[:1]
    return [
        Problem.in_file(
            TESTS,
            f"{case['name']}: expected {','.join(receivers)}, got {' '.join(got)}",
            ROUTE_TEST,
        )
    ]
