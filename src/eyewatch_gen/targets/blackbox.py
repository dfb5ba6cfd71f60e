"""blackbox_exporter modules: `blackbox/blackbox.yml`, one per kind of probe the plan uses
(HTTP with TLS verification and the accepted status codes, TCP connect, DNS lookups).
Format: https://github.com/prometheus/blackbox_exporter/blob/master/CONFIGURATION.md
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.model import Plan, Probe
from eyewatch_gen.plan.probes import probes_by_module

PATH = "blackbox/blackbox.yml"
ANSWER_A = ".*\tIN\tA\t.*"  # blackbox matches each answer record's text: name TTL IN A address


def render(plan: Plan) -> list[Artifact]:
    """blackbox.yml (none when the plan probes nothing)."""
    if not plan.probes:
        return []
    modules = {name: module(probes[0]) for name, probes in probes_by_module(plan).items()}
    return [yaml_artifact(PATH, {"modules": modules})]


def module(probe: Probe) -> dict[str, Any]:
    """The module definition for a probe."""
    if probe.module == "http":
        return {
            "prober": "http",
            "timeout": "5s",
            "http": {
                "method": "GET",
                "valid_status_codes": sorted(probe.expect_status),
                "preferred_ip_protocol": "ip4",
                "follow_redirects": True,
                "fail_if_not_ssl": probe.target.startswith("https://"),
            },
        }
    if probe.module == "tcp":
        return {"prober": "tcp", "timeout": "5s", "tcp": {"preferred_ip_protocol": "ip4"}}
    return {
        "prober": "dns",
        "timeout": "5s",
        "dns": {
            "query_name": probe.query_name,
            "query_type": "A",
            "preferred_ip_protocol": "ip4",
            "valid_rcodes": ["NOERROR"],
            # NOERROR with no answer is a success to blackbox_exporter unless some answer
            # record must match: at least one A record (a CNAME chain before it is fine).
            "validate_answer_rrs": {"fail_if_none_matches_regexp": [ANSWER_A]},
        },
    }
