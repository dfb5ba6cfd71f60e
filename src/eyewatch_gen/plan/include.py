"""Plans split by team: `include:` pulls team files (`plan.d/*.yaml`) into the plan.

A team file names its `team` and owns metrics, alerts, SLOs and dashboards (and may give the
team its own channels per level with `notify`). Its alerts carry the team's label, so they
route to the team. A name defined twice is an error that names both files and lines. Include
patterns are relative to the plan's directory and may not leave it, nor may a team file that
is a link (see `planfiles`).
"""

from __future__ import annotations

import copy

from eyewatch_gen.plan.source import Source, decode, parse_source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.planfiles import (
    MAX_MIB_VARIABLE,
    IncludeError,
    PlanFiles,
    check_pattern,
    max_bytes,
)
from eyewatch_gen.problems import Path, PlanError, Problem
from eyewatch_gen.treefs import NotAFileError, TooLargeError

TEAM_KEYS = ("team", "notify", "metrics", "alerts", "slos", "dashboards")
_KEYED = ("metrics", "dashboards")
_LISTED = ("alerts", "slos")


def expand(source: Source, files: PlanFiles | None) -> Source:
    """`source` with every included team file merged in (unchanged when nothing is included);
    team files come from `files` (the plan's directory, or the plan's directory in a commit)."""
    data = source.data
    if not isinstance(data, dict) or not data.get("include"):
        return source
    if files is None:
        raise PlanError(
            [source.problem(("include",), "includes need the plan's file path", "plan/include")]
        )
    patterns = data["include"]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise PlanError(
            [
                source.problem(
                    ("include",),
                    "expected a list of file patterns such as plan.d/*.yaml",
                    "plan/type",
                )
            ]
        )
    merged = Source(source.file, copy.deepcopy(data), source.positions.copy())
    for index, pattern in enumerate(patterns):
        for team_file in _files(source, files, pattern, index):
            _merge(merged, _read(source, files, team_file, index))
    return merged


def _files(source: Source, files: PlanFiles, pattern: str, index: int) -> list[str]:
    where: Path = ("include", index)
    reason = check_pattern(pattern)
    try:
        found = files.match(pattern) if reason is None else []
    except IncludeError as error:
        reason = str(error)
    if reason is not None:
        raise PlanError([source.problem(where, reason, "plan/include")])
    if not found:
        raise PlanError([source.problem(where, f"{pattern!r} matches no file", "plan/include")])
    return found


def _read(source: Source, files: PlanFiles, relative: str, index: int) -> Source:
    name = files.display(relative)
    try:
        raw = files.read(relative)
    except TooLargeError:
        reason = (
            f"over the limit of {max_bytes() // 2**20} MiB per plan file; split it or raise the "
            f"limit with {MAX_MIB_VARIABLE}=<MiB>"
        )
        raise PlanError(
            [source.problem(("include", index), f"{name}: {reason}", "plan/include")]
        ) from None
    except (IncludeError, NotAFileError, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise PlanError(
            [source.problem(("include", index), f"{name}: {reason}", "plan/include")]
        ) from None
    return parse_source(decode(raw, name), name)


def _merge(merged: Source, team: Source) -> None:
    data = team.data
    if not isinstance(data, dict):
        raise PlanError(
            [
                team.problem(
                    (), "a team file is a mapping with team, metrics, alerts, ...", "plan/type"
                )
            ]
        )
    problems = [
        team.problem(
            (key,),
            f"unknown key {key!r}{suggest(key, TEAM_KEYS)} "
            f"(allowed in a team file: {', '.join(TEAM_KEYS)})",
            "plan/unknown-key",
            key=True,
        )
        for key in data
        if key not in TEAM_KEYS
    ]
    name = data.get("team")
    if not isinstance(name, str):
        problems.append(
            team.problem(
                ("team",), "a team file names its team: `team: <slug>`", "plan/missing-key"
            )
        )
    if problems:
        raise PlanError(problems)
    assert isinstance(name, str)
    problems += _merge_keyed(merged, team)
    for section in _LISTED:
        _merge_listed(merged, team, section, name)
    if "notify" in data:
        teams = merged.data.setdefault("teams", {})
        if name in teams:
            problems.append(
                team.problem(
                    ("notify",),
                    f"team {name!r} already has channels ({merged.where(('teams', name))})",
                    "plan/duplicate-name",
                )
            )
        teams[name] = {"notify": data["notify"]}
        _adopt(merged, team, ("notify",), ("teams", name, "notify"))
    if problems:
        raise PlanError(problems)


def _merge_keyed(merged: Source, team: Source) -> list[Problem]:
    problems = []
    for section in _KEYED:
        items = team.data.get(section) or {}
        target = merged.data.setdefault(section, {})
        if not isinstance(items, dict):
            problems.append(team.problem((section,), "expected a mapping", "plan/type"))
            continue
        for key, value in items.items():
            if key in target:
                problems.append(
                    team.problem(
                        (section, key),
                        f"{section[:-1]} {key!r} is "
                        f"already defined in "
                        f"{merged.where((section, key))}",
                        "plan/duplicate-name",
                        key=True,
                    )
                )
                continue
            target[key] = value
            _adopt(merged, team, (section, key), (section, key))
    return problems


def _merge_listed(merged: Source, team: Source, section: str, name: str) -> None:
    items = team.data.get(section) or []
    target = merged.data.setdefault(section, [])
    offset = len(target)
    for index, item in enumerate(items):
        if section == "alerts" and isinstance(item, dict):
            item.setdefault("team", name)
        target.append(item)
        _adopt(merged, team, (section, index), (section, offset + index))


def _adopt(merged: Source, team: Source, old: Path, new: Path) -> None:
    """Positions under `new` in the merged plan are those under `old` in the team file."""
    merged.positions.link(new, team.positions, old)
    merged.positions.files[new] = team.file
