"""What a person put in the output directory, carried into the new tree exactly as it was.

The writer builds a new tree beside the old one and swaps them; everything the writer did not
write moves across untouched. Files, links (dangling ones too), FIFOs and sockets are hard
links to the very same inode (content, mode, owner and times are those of the original; a
symbolic link stays a link and is never followed); directories, empty ones included, are
recreated with their mode, owner and times. Where a hard link is impossible (another file
system, protected links) an entry is copied as what it is: a link as a link, a FIFO as a FIFO.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from eyewatch_gen.treefs import describe


class CarryError(Exception):
    """An entry that cannot be carried across as it is (a mount point, a socket)."""


def scan(root: Path) -> dict[str, os.stat_result]:
    """Every entry under `root` by POSIX path relative to it, never following a link;
    empty when `root` does not exist."""
    if not root.is_dir() or root.is_symlink():
        return {}
    return dict(_walk(root, ""))


def _walk(directory: Path, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
    with os.scandir(directory) as entries:
        listed = sorted(entries, key=lambda entry: entry.name)
    for entry in listed:
        relative = f"{prefix}{entry.name}"
        info = entry.stat(follow_symlinks=False)
        yield relative, info
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(Path(entry.path), f"{relative}/")


def carry(
    old: Path, new: Path, entries: Mapping[str, os.stat_result], device: int
) -> list[tuple[Path, os.stat_result]]:
    """Put each of `entries` (paths under `old`, parents first) at the same path under `new`.
    Returns the directories whose mode and times must be restored once nothing more is
    written into them."""
    directories = []
    for relative, info in sorted(entries.items()):
        source, target = old / relative, new / relative
        if stat.S_ISDIR(info.st_mode):
            if info.st_dev != device:
                raise CarryError(
                    f"{source} is a mount point inside the output directory; render replaces "
                    "the directory as a whole and cannot move a mount: unmount it or render "
                    "elsewhere"
                )
            target.mkdir(exist_ok=True)
            directories.append((target, info))
        else:
            _link_or_copy(source, target, info)
    return directories


def restore(directories: list[tuple[Path, os.stat_result]], times: bool) -> None:
    """Give recreated directories their original mode and owner (and times, when `times`),
    deepest first so setting a parent's times is not undone by its children."""
    for path, info in sorted(directories, key=lambda item: -len(item[0].parts)):
        _own(path, info)
        path.chmod(stat.S_IMODE(info.st_mode))
        if times:
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _link_or_copy(source: Path, target: Path, info: os.stat_result) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EACCES):
            raise
        _copy(source, target, info)


def _copy(source: Path, target: Path, info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        target.symlink_to(source.readlink())
    elif stat.S_ISREG(mode):
        shutil.copy2(source, target, follow_symlinks=False)
    elif stat.S_ISFIFO(mode):
        os.mkfifo(target, stat.S_IMODE(mode))
    else:
        raise CarryError(
            f"{source} is {describe(mode)}, which render cannot carry into the new tree"
        )
    _own(target, info)
    if not stat.S_ISLNK(mode):
        target.chmod(stat.S_IMODE(mode))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


def _own(path: Path, info: os.stat_result) -> None:
    current = path.lstat()
    if (current.st_uid, current.st_gid) != (info.st_uid, info.st_gid):
        with contextlib.suppress(PermissionError):
            os.chown(path, info.st_uid, info.st_gid, follow_symlinks=False)
