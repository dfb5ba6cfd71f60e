"""Reading plan files: YAML errors, unsafe YAML and unreadable files, each with a position."""

from __future__ import annotations

from pathlib import Path

import pytest

from eyewatch_gen.plan.source import parse_source, read_source
from eyewatch_gen.problems import PlanError


def _problem(text: str) -> str:
    with pytest.raises(PlanError) as caught:
        parse_source(text, "plan.yaml")
    assert len(caught.value.problems) == 1
    return caught.value.problems[0].render()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 1\nversion: 2\n",
            "plan.yaml:2:1: error: version: duplicate key 'version' (first at line 1)",
        ),
        ("a:\n  b: 1\n  b: 2\n", "plan.yaml:3:3: error: a.b: duplicate key 'b'"),
        ("", "plan.yaml:1:1: error: the plan is empty"),
        ("# only a comment\n", "plan.yaml:1:1: error: the plan is empty"),
        ("a: !!python/object:os.system x\n", "plan.yaml:1:4: error: could not determine"),
        ("a: !custom x\n", "(yaml/tag)"),
        ("version: 1\n  bad: [\n", "plan.yaml:2:6: error: not valid YAML"),
        ("a: [1, 2\n", "not valid YAML"),
        ("a: 'open\n", "not valid YAML"),
        ("? [a, b]\n: 1\n", "keys must be plain strings"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys (<<) are not supported"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", "nested deeper than 32 levels (yaml/too-deep)"),
    ],
    ids=[
        "duplicate-top-key",
        "duplicate-nested-key",
        "empty",
        "only-comment",
        "python-tag",
        "custom-tag",
        "bad-indent",
        "unclosed-flow",
        "unclosed-quote",
        "complex-key",
        "merge-key",
        "deep-nesting",
    ],
)
def test_bad_yaml_is_one_located_problem(text: str, expected: str) -> None:
    assert expected in _problem(text)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for name, prev in zip("bcdefg", "abcdef", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("h: [" + ", ".join(["*g"] * 9) + "]")
    assert "(yaml/alias-bomb)" in _problem("\n".join(lines) + "\n")


def test_positions_point_at_keys_and_values() -> None:
    source = parse_source("top:\n  list:\n    - x: 1\n      y: two\n", "p.yaml")
    assert source.positions.values[("top", "list", 0, "y")] == (4, 10)
    assert source.positions.keys[("top", "list", 0, "y")] == (4, 7)
    assert source.positions.of(("top", "list", 0, "missing")) == (3, 7)
    assert source.positions.of(("top", "list", 0, "y"), key=True) == (4, 7)
    assert source.positions.of(("top", "list", 0, "y", "deeper"), key=True) == (4, 7)
    assert source.positions.of(("top", "list", 5), key=True) == (2, 3)
    assert source.positions.of(("top", "list", 5)) == (3, 5)


def test_non_utf8_names_the_byte_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"version: 1\nplatform: caf\xe9\n")
    with pytest.raises(PlanError) as caught:
        read_source(path, "plan.yaml")
    assert (
        caught.value.problems[0]
        .render()
        .startswith("plan.yaml:2:14: error: byte 0xe9 is not UTF-8")
    )


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_paths(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.yaml" if kind == "missing" else tmp_path
    with pytest.raises(PlanError) as caught:
        read_source(path)
    rule = {"missing": "plan/missing-file", "directory": "plan/not-a-file"}[kind]
    assert caught.value.problems[0].rule == rule
