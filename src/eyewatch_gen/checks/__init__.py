"""Checks on a generated tree. Each module offers `run(out, plan) -> list[Problem]` (files
relative to `out`) and declares its rule ids as constants, all listed in `RULES`."""
