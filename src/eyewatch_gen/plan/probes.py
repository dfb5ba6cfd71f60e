"""Probes as blackbox_exporter runs them: the module each probe uses, and probes by module.

The blackbox configuration defines the modules; the Prometheus configuration scrapes one job
per module. Both read this view, so a module name is decided once.
"""

from __future__ import annotations

from eyewatch_gen.plan.model import Plan, Probe


def module_name(probe: Probe) -> str:
    """`http_2xx`, `http_200_301`, `tcp_connect` or `dns_<name>`."""
    if probe.module == "http":
        codes = "_".join(map(str, sorted(probe.expect_status))) or "2xx"
        return f"http_{codes}"
    if probe.module == "tcp":
        return "tcp_connect"
    return f"dns_{probe.name.replace('-', '_')}"


def probes_by_module(plan: Plan) -> dict[str, list[Probe]]:
    """The plan's probes grouped by module name, both in plan order."""
    modules: dict[str, list[Probe]] = {}
    for probe in plan.probes:
        modules.setdefault(module_name(probe), []).append(probe)
    return modules
