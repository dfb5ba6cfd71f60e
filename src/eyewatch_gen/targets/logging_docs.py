"""`docs/logging.md`: log sources, classes, retention and where each class is stored."""

from __future__ import annotations

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.plan.logging_view import data_stream, policy_name, unmatched_class
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.templating import render_template

PATH = "docs/logging.md"


def render(plan: Plan) -> list[Artifact]:
    """The logging page (none when the plan has no logging section)."""
    logging = plan.logging
    if logging is None:
        return []
    classes = [
        {
            "name": name,
            "audit": spec.audit,
            "policy": policy_name(plan, name),
            "streams": data_stream(plan, name, logging.environment),
            "rollover": f"{spec.retention.hot.max_age} or {spec.retention.hot.max_size}",
            "warm": spec.retention.warm_after or "-",
            "cold": spec.retention.cold_after or "-",
            "delete": spec.retention.delete_after,
        }
        for name, spec in logging.classes.items()
    ]
    sources = [
        {
            "service": s.service,
            "format": s.format,
            "log_class": s.log_class,
            "dropped": "; ".join(
                f"{r.field} {'= ' + r.equals if r.equals is not None else '~ ' + str(r.matches)}"
                for r in s.drop
            )
            or "-",
        }
        for s in logging.sources
    ]
    return [
        text_artifact(
            PATH,
            render_template(
                "logging.md.j2",
                platform=plan.platform,
                port=logging.beats_port,
                match_field=logging.match_field,
                user=logging.output.user,
                password=logging.output.password,
                sources=sources,
                classes=classes,
                unmatched_class=unmatched_class(logging),
                security=logging.security,
                security_class=logging.security_class,
            ),
        )
    ]
