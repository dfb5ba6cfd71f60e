"""Parse every generated Logstash pipeline with logstash-pipeline-parser (a syntax check:
sections, braces, `=>`, hash and array syntax; it is not Logstash itself)."""

from __future__ import annotations

from pathlib import Path

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

SYNTAX = "logstash/syntax"
RULES = (SYNTAX,)


def parse_error(text: str) -> str | None:
    """Why `text` is not a valid pipeline, or None."""
    from logstash_pipeline_parser import Pipeline

    try:
        Pipeline(text).parse()
    except Exception as error:  # the parser raises its own exception types
        return " ".join(str(error).split())[:300] or type(error).__name__
    return None


def run(out: Path, plan: Plan) -> list[Problem]:
    """A finding per pipeline that does not parse."""
    findings = []
    for path in sorted((out / "logstash/pipeline").glob("*.conf")):
        error = parse_error(path.read_text(encoding="utf-8"))
        if error:
            findings.append(Problem.in_file(path.relative_to(out).as_posix(), error, SYNTAX))
    return findings
