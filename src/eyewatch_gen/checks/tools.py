"""Running the external validators (promtool, amtool) as subprocesses."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from eyewatch_gen.problems import EyewatchError

PACKAGES = {
    "promtool": "prometheus",
    "amtool": "prometheus-alertmanager",
    "prometheus": "prometheus",
    "prometheus-alertmanager": "prometheus-alertmanager",
    "prometheus-blackbox-exporter": "prometheus-blackbox-exporter",
    "prometheus-node-exporter": "prometheus-node-exporter",
    "openssl": "openssl",
}


class MissingToolError(EyewatchError):
    """An external tool is not installed; the message names the package that provides it."""

    def __init__(self, tool: str) -> None:
        super().__init__(
            f"{tool} is not installed: install the Debian package "
            f"{PACKAGES.get(tool, tool)} (or run `make tools`)"
        )
        self.tool = tool


def find(tool: str) -> str:
    """The path of `tool`, or MissingToolError."""
    path = shutil.which(tool)
    if path is None:
        raise MissingToolError(tool)
    return path


def run(
    tool: str, *args: str | Path, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `tool ARGS`, capturing text output."""
    return subprocess.run(
        [find(tool), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=timeout,
    )


@cache
def version(tool: str) -> tuple[int, ...]:
    """The release of `tool` (`amtool, version 0.25.0` -> (0, 25, 0)); (0,) when unreadable."""
    result = run(tool, "--version", timeout=60)
    found = re.search(r"version (\d+)\.(\d+)\.(\d+)", result.stdout + result.stderr)
    return tuple(int(part) for part in found.groups()) if found else (0,)
