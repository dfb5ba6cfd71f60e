"""Where each part of a plan was written: 1-based (line, column) by field path.

A position is looked up in the document's node tree, which the Source keeps while the plan is
checked (a valid plan with no warning never asks, and indexes nothing); each mapping is
indexed the first time a lookup passes through it. `link` makes a whole subtree stand for
another one (an alert made by an alert set points at its set, an included alert at its team
file) in constant time: lookups follow the link, so nothing is copied per item and expanding
n items stays linear.
"""

from __future__ import annotations

import yaml

from eyewatch_gen.problems import Path

Mark = tuple[int, int]
_MAX_HOPS = 8  # links never chain further than set -> included file; a bound against cycles


class Positions:
    """Positions of a document's values and mapping keys, by field path."""

    def __init__(
        self,
        root: yaml.Node | None = None,
        values: dict[Path, Mark] | None = None,
        keys: dict[Path, Mark] | None = None,
    ) -> None:
        self._root = root
        self._values, self._keys = values, keys
        self._mappings: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}
        self.files: dict[Path, str] = {}  # parts merged from included files
        self.links: dict[Path, tuple[Positions, Path]] = {}

    @property
    def values(self) -> dict[Path, Mark]:
        """Every value's position (the whole table: for tests and tools, not lookups)."""
        return self._tables()[0]

    @property
    def keys(self) -> dict[Path, Mark]:
        """Every mapping key's position."""
        return self._tables()[1]

    def copy(self) -> Positions:
        """An independent copy (the document itself is shared, read-only)."""
        twin = Positions(self._root, self._values, self._keys)
        twin._mappings = self._mappings
        twin.files, twin.links = dict(self.files), dict(self.links)
        return twin

    def link(self, new: Path, target: Positions, old: Path) -> None:
        """Positions under `new` are those under `old` in `target` (which may be `self`)."""
        self.links[new] = (target, old)

    def file_of(self, path: Path) -> str | None:
        """The included file `path` came from, if it was not the main plan."""
        positions: Positions | None = self
        for _ in range(_MAX_HOPS):
            if positions is None:
                break
            for end in range(len(path), 0, -1):
                if path[:end] in positions.files:
                    return positions.files[path[:end]]
            positions, path = positions._follow(path)
        return None

    def of(self, path: Path, *, key: bool = False) -> Mark:
        """Position of `path` (of its key with `key`), or of its nearest ancestor when the
        path itself is absent."""
        positions = self
        for _ in range(_MAX_HOPS):
            target, linked = positions._follow(path)
            if target is None:
                break
            positions, path = target, linked
        return positions._lookup(path, key)

    def _lookup(self, path: Path, key: bool) -> Mark:
        if self._root is None:
            return self._lookup_table(path, key)
        node, found = self._root, _mark(self._root)
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = self._mapping(node).get(part)
                if pair is None:
                    break
                node = pair[1]
                found = _mark(pair[0]) if key else _mark(node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                found = _mark(node)
            else:
                break
        return found

    def _lookup_table(self, path: Path, key: bool) -> Mark:
        values, keys = self._tables()
        table = keys if key else values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in table:
                return table[prefix]
            if prefix in values:
                return values[prefix]
        return (1, 1)

    def _mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        index = self._mappings.get(id(node))
        if index is None:
            index = self._mappings[id(node)] = {}
            for key_node, value_node in node.value:
                index.setdefault(key_node.value, (key_node, value_node))
        return index

    def _tables(self) -> tuple[dict[Path, Mark], dict[Path, Mark]]:
        if self._values is None or self._keys is None:
            self._values, self._keys = {}, {}
            if self._root is not None:
                _walk(self._root, (), self._values, self._keys)
        return self._values, self._keys

    def _follow(self, path: Path) -> tuple[Positions | None, Path]:
        """One step along the link of the longest linked prefix of `path`, if any."""
        if self.links:
            for end in range(len(path), 0, -1):
                hit = self.links.get(path[:end])
                if hit is not None:
                    return hit[0], hit[1] + path[end:]
        return None, path


def _walk(node: yaml.Node, path: Path, values: dict[Path, Mark], keys: dict[Path, Mark]) -> None:
    values.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            keys.setdefault((*path, key_node.value), _mark(key_node))
            _walk(value_node, (*path, key_node.value), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), values, keys)


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)
