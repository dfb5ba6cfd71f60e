"""What ElastAlert 2's rule loader demands beyond its schema (`schemas` validates that):
`name`, `type`, `index` and `alert` in every rule, `alertmanager_hosts` for the Alertmanager
alerter, only option names the schema or the loader knows (a misspelt option is silently
ignored by ElastAlert), no `$` that its `os.path.expandvars` pass would replace, and the
global config's required settings. Loader: elastalert/loaders.py, config.py (2.19).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.checks.schemas import schema
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

RULES_DIR = "elastalert/rules"
CONFIG = "elastalert/config.yaml"
REQUIRED = "elastalert/required"
UNKNOWN_OPTION = "elastalert/unknown-option"
EXPANDED = "elastalert/expanded"
RULES = (REQUIRED, UNKNOWN_OPTION, EXPANDED)

#: options the loader itself requires (`required_locals`) and the Alertmanager alerter's
RULE_REQUIRED = ("alert", "type", "name", "index")
ALERTMANAGER_REQUIRED = ("alertmanager_hosts",)
#: global options `load_conf` requires
CONFIG_REQUIRED = ("run_every", "es_host", "es_port", "writeback_index", "buffer_time")
#: options the loader and alerters read that the schema does not list
LOADER_OPTIONS = frozenset(
    {
        "alert",
        "type",
        "description",
        "alert_subject",
        "alert_subject_args",
        "alert_subject_max_len",
        "is_enabled",
        "run_every",
        "timestamp_type",
        "timestamp_format",
        "aggregation_key",
        "compare_key",
    }
)


@cache
def known_options() -> frozenset[str]:
    """Every rule option the schema names (common and per rule type) or the loader reads."""
    rule_schema = schema("elastalert-rule.yaml")
    names = set(rule_schema["properties"])
    for rule_type in rule_schema["oneOf"]:
        names |= set(rule_type.get("properties", {}))
    return frozenset(names | LOADER_OPTIONS)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings in the generated ElastAlert files."""
    findings = []
    for path in sorted((out / RULES_DIR).glob("*.yaml")):
        file = path.relative_to(out).as_posix()
        text = path.read_text(encoding="utf-8")
        findings += [Problem.in_file(file, m, r) for m, r in rule_problems(text)]
    config = out / CONFIG
    if config.is_file():
        findings += [Problem.in_file(CONFIG, m, r) for m, r in config_problems(config.read_text())]
    return findings


def rule_problems(text: str) -> list[tuple[str, str]]:
    """(message, rule) for everything the loader would refuse or ignore in a rule file."""
    found = _dollars(text)
    rule: dict[str, Any] = yaml.safe_load(text)
    found += [(f"missing `{key}`", REQUIRED) for key in RULE_REQUIRED if key not in rule]
    if "alertmanager" in rule.get("alert", []):
        found += [
            (f"the alertmanager alerter needs `{key}`", REQUIRED)
            for key in ALERTMANAGER_REQUIRED
            if not rule.get(key)
        ]
    found += [
        (f"`{key}` is no ElastAlert rule option (it would be ignored)", UNKNOWN_OPTION)
        for key in rule
        if key not in known_options()
    ]
    return found


def config_problems(text: str) -> list[tuple[str, str]]:
    """(message, rule) for the global config."""
    config: dict[str, Any] = yaml.safe_load(text)
    missing = [(f"missing `{key}`", REQUIRED) for key in CONFIG_REQUIRED if key not in config]
    return _dollars(text) + missing


def _dollars(text: str) -> list[tuple[str, str]]:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "$" in line]
    return [
        (f"line {line}: `$` would be expanded from ElastAlert's environment", EXPANDED)
        for line in lines
    ]
