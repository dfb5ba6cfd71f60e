"""Layering rules that keep outputs independent: a target reads the plan and its views, never
another target; lint checks read generated files and plan views, never a target's code."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "eyewatch_gen"
TARGET_DIR = SOURCE / "targets"

#: private helper modules of one target (not outputs themselves): helper -> its only user
HELPERS = {"slo_tests": "promtests"}


def _imported(text: str, package: str) -> set[str]:
    """Absolute names a module of `package` imports (anywhere in its text), and for
    `from X import y` also `X.y`, which may be a module."""
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def _target_modules(names: set[str]) -> set[str]:
    """The modules of eyewatch_gen.targets among `names`, by file stem."""
    prefix = "eyewatch_gen.targets."
    stems = {name.removeprefix(prefix) for name in names if name.startswith(prefix)}
    return {stem for stem in stems if (TARGET_DIR / f"{stem}.py").is_file()}


def _targets_imported(path: Path) -> set[str]:
    """Modules of eyewatch_gen.targets imported by the source file `path`, by file stem."""
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    package = ".".join(parts if path.stem == "__init__" else parts[:-1])
    return _target_modules(_imported(path.read_text(), package))


def _pairs() -> set[tuple[str, str]]:
    return {
        (path.stem, imported)
        for path in sorted(TARGET_DIR.glob("*.py"))
        if path.stem != "__init__"
        for imported in _targets_imported(path) - {path.stem}
    }


def test_targets_do_not_import_each_other() -> None:
    allowed = {(user, helper) for helper, user in HELPERS.items()}
    assert sorted(_pairs() - allowed) == [], (
        "a target imports another target: move the shared part into a plan view "
        "(plan/catalog.py, plan/alerting/...)"
    )


def test_every_helper_is_used_by_its_target_and_is_no_target() -> None:
    assert sorted({(u, h) for h, u in HELPERS.items()} - _pairs()) == []
    registered = _targets_imported(TARGET_DIR / "__init__.py")
    assert registered, "the registry's loaders import the target modules"
    assert not set(HELPERS) & registered, "a helper module is an output: list it as a target"


def test_lint_checks_import_no_target() -> None:
    offenders = {
        path.name: sorted(_targets_imported(path))
        for path in sorted((SOURCE / "checks").glob("*.py"))
        if _targets_imported(path)
    }
    assert offenders == {}


def test_the_import_scan_sees_every_form() -> None:
    """A relative, aliased or function-local import is still an import."""
    text = (
        "from . import blackbox\n"
        "from .logstash import dataset as d\n"
        "from eyewatch_gen.targets import TARGETS\n"
        "def f():\n    import eyewatch_gen.targets.grafana as g\n"
    )
    assert _target_modules(_imported(text, "eyewatch_gen.targets")) == {
        "blackbox",
        "logstash",
        "grafana",
    }
    assert _targets_imported(TARGET_DIR / "alertmanager_config_crd.py") == set()
