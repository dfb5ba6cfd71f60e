"""Turn a parsed plan Source into a `Plan`, translating every pydantic error into a Problem.

Each problem names the file, line and column of the offending key or value, the field path
(`alerts[3].for`), what is allowed and, for misspelt keys and names, a "did you mean".
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, PlanError, Problem

SECRET_KEYS = frozenset(
    {
        "routing_key",
        "service_key",
        "api_key",
        "password",
        "auth_password",
        "token",
        "bearer_token",
        "secret",
        "smtp_auth_password",
        "credentials",
        "api_url",
    }
)
_MAY_CARRY_CREDENTIALS = frozenset(
    {
        "url",
        "prometheus_url",
        "elasticsearch_url",
        "hosts",
        "runbook",
        "target",
        "static",
        "alertmanagers",
        "blackbox_exporter",
        "user",
    }
)
_TYPE_NAMES = {
    "string_type": "a string",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "literal_error": None,
}


def validate_source(source: Source) -> Plan:
    """The Plan in `source`, or PlanError listing every structural problem at once."""
    return validate_data(source.data, source)


def validate_data(data: Any, source: Source) -> Plan:
    """The Plan in `data` (laid out as `source` says), or PlanError with every problem."""
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        problems = [_problem(source, detail) for detail in error.errors(include_url=False)]
        raise PlanError(_dedupe(problems)) from None


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """`; did you mean 'x'?` when a close match exists, else an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _problem(source: Source, detail: ErrorDetails) -> Problem:
    path: Path = tuple(detail["loc"])
    kind = detail["type"]
    if path and path[-1] == "[key]":
        path = path[:-1]
        return source.problem(path, _message(detail), f"plan/{_rule(kind)}", key=True)
    if kind == "extra_forbidden":
        return source.problem(path, _unknown_key(path), "plan/unknown-key", key=True)
    if kind == "missing":
        return source.problem(
            path, f"required key {str(path[-1])!r} is missing", "plan/missing-key"
        )
    return source.problem(path, _message(detail), f"plan/{_rule(kind)}")


def _rule(kind: str) -> str:
    if kind.endswith("_type") or kind in {"model_attributes_type"}:
        return "type"
    return {
        "literal_error": "choice",
        "value_error": "invalid",
        "too_short": "too-short",
        "greater_than": "range",
        "less_than": "range",
        "greater_than_equal": "range",
        "less_than_equal": "range",
        "string_too_short": "empty",
    }.get(kind, kind)


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    given = detail.get("input")
    if _may_hold_secret(detail["loc"]):
        given = "<hidden>"
    if _TYPE_NAMES.get(kind):
        return f"expected {_TYPE_NAMES[kind]}, got {_describe(given)}"
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        hint = suggest(
            str(given), [e.strip(" '") for e in expected.replace(" or ", ",").split(",")]
        )
        return f"{_describe(given)} is not allowed; use {expected}{hint}"
    text = detail["msg"]
    return text.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if value is None:
        return "nothing (null)"
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{type(value).__name__} {shown}" if not isinstance(value, str) else shown


def _may_hold_secret(loc: tuple[int | str, ...]) -> bool:
    """A field whose value must never be echoed: a secret's name, a `*_file` path (a key
    pasted there), or a URL or address (it may carry a password)."""
    keys = [part for part in loc if isinstance(part, str)]
    last = keys[-1] if keys else ""
    return _secret_name(last) or last.endswith("_file") or last in _MAY_CARRY_CREDENTIALS


def _secret_name(key: str) -> bool:
    return key in SECRET_KEYS or any(w in key for w in ("password", "token", "secret"))


def _unknown_key(path: Path) -> str:
    key = str(path[-1])
    allowed = _allowed_keys(path[:-1])
    if _secret_name(key):
        return (
            f"literal secret {key!r} is not allowed in the plan; reference a file that "
            f"holds it instead (allowed here: {', '.join(allowed)})"
        )
    hint = suggest(key, allowed)
    return f"unknown key {key!r}{hint} (allowed: {', '.join(allowed)})"


def _allowed_keys(path: Path) -> list[str]:
    """The keys the model accepts at `path` (aliases as written in YAML)."""
    annotation: Any = Plan
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_in(annotation)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_in(annotation)
    if model is not None and isinstance(part, str):
        info = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        return info.annotation if info else None
    for arg in _args(annotation):
        if typing.get_origin(arg) in {list, dict}:
            return typing.get_args(arg)[-1]
    return None


def _args(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in {typing.Union, types.UnionType}:
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return [typing.get_args(annotation)[0]]
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for arg in _args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems))
