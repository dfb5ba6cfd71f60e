"""A wheel install works, not only an editable one: templates and schemas ship inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src/eyewatch_gen"


def test_wheel_contains_every_template_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("eyewatch_gen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [
        p.relative_to(PACKAGE.parent).as_posix()
        for pattern in ("templates/**/*.j2", "schemas/*.json", "schemas/*.yaml", "py.typed")
        for p in PACKAGE.glob(pattern)
    ]
    assert len(shipped) > 15
    assert sorted(set(shipped) - names) == []
    assert "eyewatch_gen/entry.py" in names
