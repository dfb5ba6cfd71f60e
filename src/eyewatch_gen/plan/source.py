"""Read a plan file into plain data plus the position of every key and value.

Safe by construction: only PyYAML's safe loader (the C one when available), no tags beyond the
YAML core schema, duplicate keys are errors (silently keeping the last one loses an alert),
and alias bombs and absurd nesting are refused before anything expands them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from eyewatch_gen.problems import Path, PlanError, Problem, format_path
from eyewatch_gen.treefs import NotAFileError, TooLargeError, read_regular

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_BYTES = 16 * 1024 * 1024


@dataclass
class Positions:
    """1-based (line, column) of each value and each mapping key, by field path."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    files: dict[Path, str] = field(default_factory=dict)  # parts merged from included files

    def file_of(self, path: Path) -> str | None:
        """The included file `path` came from, if it was not the main plan."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.files:
                return self.files[path[:end]]
        return None

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of `path`, or of its nearest ancestor when the path itself is absent."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)


@dataclass(frozen=True)
class Source:
    """A parsed plan document: its data, where each part was written, and the file name."""

    file: str
    data: Any
    positions: Positions

    def problem(
        self, path: Path, message: str, rule: str, *, key: bool = False, level: str = "error"
    ) -> Problem:
        """A problem located at `path` in this source."""
        line, column = self.positions.of(path, key=key)
        file = self.positions.file_of(path) or self.file
        return Problem(file, line, column, format_path(path), message, rule, level)

    def locate(self, path: Path, *, key: bool = False) -> str:
        """`file:line:column` of `path`."""
        line, column = self.positions.of(path, key=key)
        return f"{self.positions.file_of(path) or self.file}:{line}:{column}"

    def where(self, path: Path) -> str:
        """`file:line` of `path`, for messages that point at a second place."""
        line, _ = self.positions.of(path)
        return f"{self.positions.file_of(path) or self.file}:{line}"


def read_source(path: FsPath, display: str | None = None) -> Source:
    """Read and parse `path`; raise PlanError (with positions) for anything unreadable."""
    name = display or str(path)
    text = _read_text(path, name)
    return parse_source(text, name)


def parse_source(text: str, name: str) -> Source:
    """Parse YAML text into a Source; every failure becomes a located PlanError."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _fail(name, 1, 1, "", "the plan is empty: start with `version: 1`", "plan/empty")
        positions = Positions()
        _index(node, (), positions, name, _Budget())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(name, error) from None
    except yaml.YAMLError as error:
        raise _fail(name, 1, 1, "", f"not valid YAML: {error}", "yaml/syntax") from None
    finally:
        loader.dispose()
    return Source(name, data, positions)


def read_documents(path: FsPath, display: str | None = None) -> list[Source]:
    """Every YAML document in the file at `path` (`---` separated, as `kubectl get -o yaml`
    and rule bundles write them), each with its positions; none for an empty file."""
    name = display or str(path)
    return parse_documents(_read_text(path, name), name)


def parse_documents(text: str, name: str) -> list[Source]:
    """Parse every document of a YAML stream, with the same safety as `parse_source`."""
    loader = _Loader(text)
    sources = []
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said there is one
            positions = Positions()
            _index(node, (), positions, name, _Budget())
            sources.append(Source(name, loader.construct_document(node), positions))
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(name, error) from None
    except yaml.YAMLError as error:
        raise _fail(name, 1, 1, "", f"not valid YAML: {error}", "yaml/syntax") from None
    finally:
        loader.dispose()
    return sources


def _read_text(path: FsPath, name: str) -> str:
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise _fail(
            name,
            1,
            1,
            "",
            "no such file; give the path of a plan file (default: plan.yaml)",
            "plan/missing-file",
        ) from None
    except NotAFileError as error:
        hint = "give the path of a plan file"
        raise _fail(name, 1, 1, "", f"is {error.what}; {hint}", "plan/not-a-file") from None
    except TooLargeError:
        raise _fail(
            name, 1, 1, "", f"file is larger than {MAX_BYTES // 2**20} MiB", "plan/too-large"
        ) from None
    except OSError as error:
        raise _fail(name, 1, 1, "", f"cannot read: {error.strerror}", "plan/unreadable") from None
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """A plan file's text; PlanError at the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise _fail(
            name,
            line,
            column,
            "",
            f"byte 0x{raw[error.start]:02x} is not UTF-8; save the plan as UTF-8",
            "plan/encoding",
        ) from None


@dataclass
class _Budget:
    nodes: int = 0


def _index(node: yaml.Node, path: Path, positions: Positions, name: str, budget: _Budget) -> None:
    """Record positions; refuse duplicate keys, complex keys, deep nesting and alias bombs."""
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _at(
            name,
            node,
            path,
            f"the document expands to more than {MAX_NODES} nodes "
            "(an alias bomb?); write it out without anchors",
            "yaml/too-large",
        )
    if len(path) > MAX_DEPTH:
        raise _at(name, node, path, f"nested deeper than {MAX_DEPTH} levels", "yaml/too-deep")
    positions.values.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        _index_mapping(node, path, positions, name, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), positions, name, budget)


def _index_mapping(
    node: yaml.MappingNode, path: Path, positions: Positions, name: str, budget: _Budget
) -> None:
    seen: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _at(name, key_node, path, "keys must be plain strings", "yaml/complex-key")
        key = key_node.value
        if key == "<<":
            raise _at(
                name,
                key_node,
                path,
                "merge keys (<<) are not supported; write the fields out",
                "yaml/merge-key",
            )
        if key in seen:
            first = _mark(seen[key])
            raise _at(
                name,
                key_node,
                (*path, key),
                f"duplicate key {key!r} (first at line "
                f"{first[0]}); YAML would silently keep only the last one",
                "yaml/duplicate-key",
            )
        seen[key] = key_node
        positions.keys[(*path, key)] = _mark(key_node)
        _index(value_node, (*path, key), positions, name, budget)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _at(name: str, node: yaml.Node, path: Path, message: str, rule: str) -> PlanError:
    line, column = _mark(node)
    return _fail(name, line, column, format_path(path) if path else "", message, rule)


def _fail(
    name: str,
    line: int,
    column: int,
    path: str,
    message: str,
    rule: str,
) -> PlanError:
    return PlanError([Problem(name, line, column, path, message, rule)])


def _yaml_problem(name: str, error: yaml.MarkedYAMLError) -> PlanError:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = error.problem or "invalid YAML"
    if isinstance(error, yaml.constructor.ConstructorError) and "tag" in what:
        what += " (only plain YAML is allowed: no !tags)"
        return _fail(name, line, column, "", what, "yaml/tag")
    context = f" {error.context}" if error.context else ""
    return _fail(name, line, column, "", f"not valid YAML: {what}{context}".strip(), "yaml/syntax")
