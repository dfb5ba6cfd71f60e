"""`promtool check config` on the generated prometheus.yml (it also checks the rule files).

promtool opens every referenced credentials and CA file, and Debian's promtool 2.42 is built
without Kubernetes service discovery (`field kubernetes_sd_configs not found`). So the check
runs on a copy in a temporary directory where referenced files are empty stand-ins and each
`kubernetes_sd_configs` block is replaced by a static placeholder target; Prometheus 3 fields
that a 2.x promtool does not know (`fallback_scrape_protocol`, whose values the plan model
allows only from Prometheus's list) are left out of the copy when the local promtool is 2.x.
Everything else (relabelling, intervals, rule files, alerting, remote_write) is checked as
written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.checks import tools
from eyewatch_gen.checks.promtool import CHECK_LINE, condensed
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

CONFIG = "prometheus/prometheus.yml"
TOOLS = ("promtool",)
CHECK_CONFIG = "prometheus-config/check"
RULES = (CHECK_CONFIG,)
#: scrape config fields of Prometheus 3 that a 2.x binary refuses
PROMETHEUS_3_KEYS = ("fallback_scrape_protocol",)
_FILE_KEYS = (
    "ca_file",
    "cert_file",
    "key_file",
    "credentials_file",
    "password_file",
    "bearer_token_file",
)


def run(out: Path, plan: Plan) -> list[Problem]:
    """A finding when promtool rejects the configuration."""
    config = out / CONFIG
    if not config.is_file():
        return []
    with tempfile.TemporaryDirectory(prefix="eyewatch-promcfg-") as scratch:
        copy = checkable_copy(config, Path(scratch), tools.version("promtool"))
        result = tools.run("promtool", "check", "config", copy)
    if result.returncode == 0:
        return []
    errors, output = (
        text.replace(f"{scratch}/", "prometheus/")
        for text in (result.stderr, result.stdout + result.stderr)
    )
    return findings(errors) or [Problem.in_file(CONFIG, condensed(output), CHECK_CONFIG)]


def findings(errors: str) -> list[Problem]:
    """One finding per error promtool check config prints on stderr (`FAILED:` then the
    message; paths already those of the tree): in the config, or at the line and column of a
    rule file it loads."""
    found = []
    for line in errors.splitlines():
        message = line.strip().removeprefix("FAILED:").strip()
        if not message:
            continue
        place = CHECK_LINE.fullmatch(message)
        if place is None:
            found.append(Problem.in_file(CONFIG, message, CHECK_CONFIG))
        else:
            found.append(
                Problem.in_file(
                    place["file"],
                    place["message"],
                    CHECK_CONFIG,
                    line=int(place["line"] or 0),
                    column=int(place["column"] or 0),
                )
            )
    return found


def checkable_copy(config: Path, scratch: Path, promtool: tuple[int, ...]) -> Path:
    """Copy prometheus.yml and its rule files into `scratch`, ready for promtool of release
    `promtool`."""
    data = yaml.safe_load(config.read_text())
    shutil.copytree(config.parent / "rules", scratch / "rules")
    stand_ins = scratch / "stand-ins"
    stand_ins.mkdir()
    _rewrite(data, stand_ins, PROMETHEUS_3_KEYS if promtool < (3,) else ())
    target = scratch / "prometheus.yml"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def _rewrite(node: Any, stand_ins: Path, unknown: tuple[str, ...]) -> None:
    if isinstance(node, dict):
        if "kubernetes_sd_configs" in node:
            del node["kubernetes_sd_configs"]
            node["static_configs"] = [{"targets": ["kubernetes-sd.invalid:443"]}]
        for key in unknown:
            node.pop(key, None)
        for key, value in node.items():
            if key in _FILE_KEYS and isinstance(value, str):
                stand_in = stand_ins / value.strip("/").replace("/", "_")
                stand_in.touch()
                node[key] = str(stand_in)
            else:
                _rewrite(value, stand_ins, unknown)
    elif isinstance(node, list):
        for item in node:
            _rewrite(item, stand_ins, unknown)
