"""The target and check registries: every name has its module, and modules load lazily."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

from eyewatch_gen import lint, targets


def test_every_target_name_has_a_loader_and_every_loader_a_name() -> None:
    assert list(targets.TARGETS) == list(get_args(targets.TargetName))


def test_every_check_name_has_a_module() -> None:
    assert list(lint.CHECKS) == list(get_args(lint.CheckName))
    assert set(lint.OFFLINE) <= set(lint.CHECKS)


def test_a_target_module_is_imported_only_when_it_renders() -> None:
    code = (
        "import sys; from eyewatch_gen import targets; "
        "before = {m for m in sys.modules if m.startswith('eyewatch_gen.targets.')}; "
        "render = targets.load('blackbox'); "
        "after = {m for m in sys.modules if m.startswith('eyewatch_gen.targets.')}; "
        "print(sorted(before), sorted(after), render.__module__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "[]",
        "['eyewatch_gen.targets.blackbox']",
        "eyewatch_gen.targets.blackbox",
    ]
