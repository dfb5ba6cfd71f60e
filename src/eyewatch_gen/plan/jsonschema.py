"""The plan's JSON Schema, for editors (yaml-language-server) and `eyewatch-gen schema`."""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import dump_json
from eyewatch_gen.plan.model import Plan

SCHEMA_ID = "https://eyewatch-gen.dev/schemas/plan-v1.json"


def plan_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of plan.yaml, built from the pydantic model."""
    schema = Plan.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def plan_schema_text() -> str:
    """The schema as canonical JSON text."""
    return dump_json(plan_schema())
