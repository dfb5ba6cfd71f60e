"""Read a plan file into plain data plus the position of every key and value.

Safe by construction: only PyYAML's safe loader (the C one when available), no tags beyond the
YAML core schema, duplicate keys are errors (silently keeping the last one loses an alert),
and alias bombs and absurd nesting are refused before anything expands them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from eyewatch_gen.plan.positions import Positions
from eyewatch_gen.planfiles import DEFAULT_MAX_MIB, MAX_MIB_VARIABLE
from eyewatch_gen.problems import Path, PlanError, Problem, format_path
from eyewatch_gen.treefs import NotAFileError, TooLargeError, read_regular

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32
#: Limits a person may raise for an unusual but honest plan, each named in its message.
MAX_ALIAS_NODES_VARIABLE = "EYEWATCH_GEN_MAX_ALIAS_NODES"
DEFAULT_MAX_ALIAS_NODES = 100_000


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
    with _composed(text, name) as (loader, node):
        data = _Builder(loader, name).build(node, ())
    return Source(name, data, Positions(node))


@contextmanager
def _composed(text: str, name: str) -> Iterator[tuple[yaml.SafeLoader, yaml.Node]]:
    """The document's node tree; YAML errors become located PlanErrors."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _fail(name, 1, 1, "", "the plan is empty: start with `version: 1`", "plan/empty")
        yield loader, node
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(name, error) from None
    except yaml.YAMLError as error:
        raise _fail(name, 1, 1, "", f"not valid YAML: {error}", "yaml/syntax") from None
    finally:
        loader.dispose()


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
            data = _Builder(loader, name).build(node, ())
            sources.append(Source(name, data, Positions(node)))
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(name, error) from None
    except yaml.YAMLError as error:
        raise _fail(name, 1, 1, "", f"not valid YAML: {error}", "yaml/syntax") from None
    finally:
        loader.dispose()
    return sources


def _read_text(path: FsPath, name: str) -> str:
    mib = _limit(MAX_MIB_VARIABLE, name)
    try:
        raw = read_regular(path, mib * 2**20)
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
            name,
            1,
            1,
            "",
            f"the file is over the limit of {mib} MiB per plan file; split it into team files "
            "(`include: [plan.d/*.yaml]`, each file has its own limit) or raise the limit "
            f"with {MAX_MIB_VARIABLE}=<MiB>",
            "plan/too-large",
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


def _limit(variable: str, name: str) -> int:
    """The limit set in environment variable `variable`, or its default."""
    default = {MAX_MIB_VARIABLE: DEFAULT_MAX_MIB, MAX_ALIAS_NODES_VARIABLE: DEFAULT_MAX_ALIAS_NODES}
    text = os.environ.get(variable, "").strip()
    if not text:
        return default[variable]
    if not text.isdigit() or int(text) == 0:
        raise _fail(
            name, 1, 1, "", f"{variable}={text!r}: give a whole number above 0", "plan/limit"
        )
    return int(text)


_STR = "tag:yaml.org,2002:str"
_PLAIN = frozenset({_STR, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
Origin = tuple[yaml.Node, Path]  # the anchored node an alias repeats, and where


class _Builder:
    """Plain data from the node tree in one walk, refusing duplicate keys, complex and merge
    keys, deep nesting and alias bombs. A plan's own size is bounded by its bytes; what
    `*alias` repeats is not (nine aliases of nine aliases of ...), so only the nodes aliases
    repeat count against a budget."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader, self.name = loader, name
        self.alias_nodes = _limit(MAX_ALIAS_NODES_VARIABLE, name)
        self.built: dict[int, Any] = {}  # collections by node id: aliases share them

    def build(self, node: yaml.Node, path: Path) -> Any:
        """The data of `node` (at `path`)."""
        if len(path) > MAX_DEPTH:
            raise _at(
                self.name, node, path, f"nested deeper than {MAX_DEPTH} levels", "yaml/too-deep"
            )
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.loader.construct_object(node)
        if id(node) in self.built:
            self._repeat(node, path, (node, path))
            return self.built[id(node)]
        if isinstance(node, yaml.MappingNode):
            data: Any = self._mapping(node, path)
        else:
            data = self.built[id(node)] = []
            data.extend(self.build(item, (*path, index)) for index, item in enumerate(node.value))
        if node.tag not in _PLAIN:  # !!set, !!omap, or a tag that is refused
            data = self.built[id(node)] = self.loader.construct_object(node, deep=True)
        return data

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        data: dict[Any, Any] = {}
        self.built[id(node)] = data
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _at(
                    self.name, key_node, path, "keys must be plain strings", "yaml/complex-key"
                )
            key = key_node.value
            if key == "<<":
                raise _at(
                    self.name,
                    key_node,
                    path,
                    "merge keys (<<) are not supported; write the fields out",
                    "yaml/merge-key",
                )
            if key in seen:
                raise _at(
                    self.name,
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r} (first at line {_mark(seen[key])[0]}); YAML would "
                    "silently keep only the last one",
                    "yaml/duplicate-key",
                )
            seen[key] = key_node
            data_key = key if key_node.tag == _STR else self.loader.construct_object(key_node)
            data[data_key] = self.build(value_node, (*path, key))
        return data

    def _repeat(self, node: yaml.Node, path: Path, origin: Origin) -> None:
        """Count the nodes an alias repeats (and their depth where they are repeated)."""
        self.alias_nodes -= 1
        if self.alias_nodes < 0:
            raise _alias_bomb(self.name, *origin)
        if len(path) > MAX_DEPTH:
            raise _at(
                self.name, node, path, f"nested deeper than {MAX_DEPTH} levels", "yaml/too-deep"
            )
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                self._repeat(value_node, (*path, key_node.value), origin)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._repeat(item, (*path, index), origin)


def _alias_bomb(name: str, anchored: yaml.Node, path: Path) -> PlanError:
    limit = _limit(MAX_ALIAS_NODES_VARIABLE, name)
    line, column = _mark(anchored)
    return _fail(
        name,
        line,
        column,
        format_path(path),
        f"aliases (*name) repeat more than {limit} nodes in all (an alias bomb); the total "
        f"passes the limit at this alias of the anchor (&name) at line {line} column "
        f"{column}. Write the repeated parts out, or raise the limit with "
        f"{MAX_ALIAS_NODES_VARIABLE}=<nodes>",
        "yaml/alias-bomb",
    )


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
