"""Reading files without being led astray, in the standard library (the fast path uses it).

Inside the output tree nothing is read through a symbolic link, at any level, and nothing but
a regular file is opened: a generated file replaced by a link to `/proc/self/environ` or
`/dev/zero`, or by a FIFO, is reported for what it is and never read. A file the user names
(the plan, a base plan) may be a link, but must be a regular file. Every read is bounded.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NO_FOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class NotAFileError(Exception):
    """`path` holds something other than a regular file (`what` says what)."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"{path} is {what}")
        self.path = path
        self.what = what


class TooLargeError(Exception):
    """A file is larger than the caller's bound."""

    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit} bytes ({size} bytes)")
        self.path = path


def describe(mode: int) -> str:
    """What a file of `mode` is, in words: `a symbolic link`, `a FIFO`, ..."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((text for test, text in kinds if test(mode)), "not a regular file")


def read_in_tree(root: Path, relative: str, limit: int) -> bytes | None:
    """The bytes of `root/relative`, reached without following a link (`root` itself included);
    None when it does not exist. NotAFileError when it (or a directory on the way) is anything
    else."""
    parts = PurePosixPath(relative).parts
    try:
        fd = os.open(root, _DIRECTORY | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        raise NotAFileError(str(root), "a symbolic link") from None
    try:
        for index, part in enumerate(parts[:-1]):
            mode = _lstat_mode(fd, part)
            if mode is None:
                return None
            if not stat.S_ISDIR(mode):
                raise NotAFileError("/".join(parts[: index + 1]), describe(mode))
            inner = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
        return _read_entry(fd, parts[-1], relative, limit)
    finally:
        os.close(fd)


def mode_in_tree(root: Path, relative: str) -> int | None:
    """The `st_mode` of `root/relative`, links not followed at any level; None when it is
    absent or a directory on the way is not a real directory."""
    parts = PurePosixPath(relative).parts
    current, mode = root, None
    for index, part in enumerate(parts):
        current = current / part
        try:
            mode = current.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        if index < len(parts) - 1 and not stat.S_ISDIR(mode):
            return None
    return mode


def odd_entry(root: Path, relative: str) -> tuple[str, str] | None:
    """The first part of `root/relative` that a reader could be led astray by (a link, or
    anything but a directory on the way and a regular file at the end): (path, what it is)."""
    parts = PurePosixPath(relative).parts
    for index in range(len(parts)):
        partial = "/".join(parts[: index + 1])
        try:
            mode = (root / partial).lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        expected = stat.S_ISREG if index == len(parts) - 1 else stat.S_ISDIR
        if not expected(mode):
            return partial, describe(mode)
    return None


def read_regular(path: Path, limit: int) -> bytes:
    """A file the user named (links followed): NotAFileError unless it is a regular file,
    TooLargeError beyond `limit` bytes. Never blocks on a FIFO nor reads a device."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise NotAFileError(str(path), describe(mode))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        return _bounded(handle.fileno(), str(path), limit)


def _lstat_mode(fd: int, name: str) -> int | None:
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return None


def _read_entry(fd: int, name: str, relative: str, limit: int) -> bytes | None:
    mode = _lstat_mode(fd, name)
    if mode is None:
        return None
    if not stat.S_ISREG(mode):
        raise NotAFileError(relative, describe(mode))
    handle = os.open(name, os.O_RDONLY | _NO_FOLLOW, dir_fd=fd)
    try:
        return _bounded(handle, relative, limit)
    finally:
        os.close(handle)


def _bounded(fd: int, name: str, limit: int) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(name, describe(info.st_mode))
    if info.st_size > limit:
        raise TooLargeError(name, info.st_size, limit)
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise TooLargeError(name, size, limit)
    return b"".join(chunks)
