"""Same plan, same bytes: whatever the hash seed, the run or the directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, Run, read_tree


def test_render_is_byte_identical_across_hash_seeds(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    trees = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out-{seed}"
        result = cli("render", ROOT / "plan.yaml", "--out", out, env={"PYTHONHASHSEED": seed})
        assert result.code == 0, result.err
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
    assert len(trees[0]) > 5
