"""Compiled templates are cached (in Jinja's per-user temporary directory); a broken or
unwritable cache changes nothing but speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL
from eyewatch_gen import templating
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan


def _render(monkeypatch: pytest.MonkeyPatch, cache: Path) -> list[tuple[str, bytes]]:
    monkeypatch.setattr(templating, "cache_directory", lambda: str(cache))
    templating.environment.cache_clear()
    try:
        return [(a.path, a.content) for a in render_all(load_plan(MINIMAL).plan)]
    finally:
        templating.environment.cache_clear()


def test_templates_are_compiled_once_and_a_broken_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _render(monkeypatch, tmp_path)
    cached = sorted(tmp_path.glob("__eyewatch_gen_*.cache"))
    assert cached
    for path in cached:
        path.write_bytes(b"not bytecode")
    assert _render(monkeypatch, tmp_path) == first
    unwritable = tmp_path / "file"
    unwritable.write_text("a file where the cache directory would go")
    assert _render(monkeypatch, unwritable) == first
