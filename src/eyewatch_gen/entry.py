"""Console entry point: answers `--version` and an unchanged `check` before importing the CLI
(typer, pydantic and the targets cost tens of milliseconds to import)."""

from __future__ import annotations

import sys


def main() -> None:
    """`eyewatch-gen`."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from eyewatch_gen import __version__

        print(f"eyewatch-gen {__version__}")
        return
    if args[:1] == ["check"]:
        from eyewatch_gen.fastpath import try_check

        code = try_check(args[1:])
        if code is not None:
            sys.exit(code)
    from eyewatch_gen.cli import main as cli_main

    cli_main()
