"""`prometheus-blackbox-exporter --config.check` on the generated blackbox.yml."""

from __future__ import annotations

from pathlib import Path

from eyewatch_gen.checks import tools
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

CONFIG = "blackbox/blackbox.yml"
TOOLS = ("prometheus-blackbox-exporter",)
CONFIG_CHECK = "blackbox/config-check"
RULES = (CONFIG_CHECK,)


def run(out: Path, plan: Plan) -> list[Problem]:
    """A finding when blackbox_exporter rejects its configuration."""
    config = out / CONFIG
    if not config.is_file():
        return []
    result = tools.run("prometheus-blackbox-exporter", f"--config.file={config}", "--config.check")
    if result.returncode == 0:
        return []
    message = " ".join((result.stdout + result.stderr).split())
    return [Problem.in_file(CONFIG, message[-500:], CONFIG_CHECK)]
