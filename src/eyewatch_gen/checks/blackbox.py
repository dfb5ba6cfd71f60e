"""`prometheus-blackbox-exporter --config.check` on the generated blackbox.yml."""

from __future__ import annotations

from pathlib import Path

from eyewatch_gen.checks import Finding, tools
from eyewatch_gen.plan.model import Plan

CONFIG = "blackbox/blackbox.yml"
TOOLS = ("prometheus-blackbox-exporter",)


def run(out: Path, plan: Plan) -> list[Finding]:
    """A finding when blackbox_exporter rejects its configuration."""
    config = out / CONFIG
    if not config.is_file():
        return []
    result = tools.run("prometheus-blackbox-exporter", f"--config.file={config}", "--config.check")
    if result.returncode == 0:
        return []
    message = " ".join((result.stdout + result.stderr).split())
    return [Finding(CONFIG, "blackbox_exporter --config.check", message[-500:])]
