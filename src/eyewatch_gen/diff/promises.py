"""What the plan promises: SLO objectives (and the levels their burn alerts page at), log
retention, and the dashboards people look at."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.diff.model import Change, changed, code, weakened
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.dashboards import layouts
from eyewatch_gen.plan.model import Plan, Retention, Slo


def compare_slos(old: Plan, new: Plan) -> list[Change]:
    """SLOs added, removed, with a lower objective, a later page or different SLIs."""
    before = {f"{s.service}/{s.name}": s for s in old.slos}
    after = {f"{s.service}/{s.name}": s for s in new.slos}
    changes = [
        Change("slos", "added", k, f"objective {s.objective:g}%")
        for k, s in after.items()
        if k not in before
    ]
    changes += [
        Change(
            "slos",
            "removed",
            k,
            f"objective {s.objective:g}%: its burn alerts are gone",
            weakens=True,
        )
        for k, s in before.items()
        if k not in after
    ]
    for key in (k for k in after if k in before):
        changes += list(_slo(key, before[key], after[key]))
    return changes


def _slo(key: str, was: Slo, now: Slo) -> Iterator[Change]:
    if now.objective < was.objective:
        budget = (100 - now.objective) / (100 - was.objective)
        yield weakened(
            "slos",
            key,
            f"objective {was.objective:g}% → {now.objective:g}%: the error budget is "
            f"{budget:.3g}× as large, so burn alerts page later",
        )
    elif now.objective != was.objective:
        yield changed("slos", key, f"objective {was.objective:g}% → {now.objective:g}%")
    for role in ("page", "ticket"):
        a, b = getattr(was.alerting, role), getattr(now.alerting, role)
        if b > a:
            yield Change("slos", "downgrade", key, f"{role} level `{a}` → `{b}`", weakens=True)
        elif a != b:
            yield changed("slos", key, f"{role} level `{a}` → `{b}`")
    if (now.min_events or 0) > (was.min_events or 0):
        yield weakened(
            "slos", key, f"low-traffic guard {was.min_events or 0:g} → {now.min_events:g} events/s"
        )
    for part in ("errors", "total"):
        a, b = getattr(was.sli, part), getattr(now.sli, part)
        if a != b:
            yield changed("slos", key, f"SLI {part} {code(a)} → {code(b)}")
    if was.window != now.window:
        yield changed("slos", key, f"window `{was.window}` → `{now.window}`")


def compare_retention(old: Plan, new: Plan) -> list[Change]:
    """Log classes kept for less time (or no more), or otherwise re-tiered."""
    before, after = _classes(old), _classes(new)
    changes = [
        Change("retention", "added", n, _kept(r)) for n, r in after.items() if n not in before
    ]
    changes += [
        Change("retention", "removed", n, f"{_kept(r)}: no longer kept", weakens=True)
        for n, r in before.items()
        if n not in after
    ]
    for name in (n for n in after if n in before and before[n] != after[n]):
        was, now = before[name], after[name]
        detail = (
            f"{_kept(was)} → {_kept(now)}"
            if was.delete_after != now.delete_after
            else "phases changed"
        )
        if durations.seconds(now.delete_after) < durations.seconds(was.delete_after):
            changes.append(weakened("retention", name, f"{detail} (kept for less time)"))
        else:
            changes.append(changed("retention", name, detail))
    return changes


def _classes(plan: Plan) -> dict[str, Retention]:
    if plan.logging is None:
        return {}
    return {name: spec.retention for name, spec in plan.logging.classes.items()}


def _kept(retention: Retention) -> str:
    return f"delete after {retention.delete_after}"


def compare_dashboards(old: Plan, new: Plan) -> list[Change]:
    """Dashboards and panels added or removed."""

    def view(plan: Plan) -> dict[str, set[str]]:
        return {b.slug: {p.title for p in b.panels if p.kind != "row"} for b in layouts(plan)}

    before, after = view(old), view(new)
    changes = [Change("dashboards", "added", slug) for slug in after if slug not in before]
    changes += [Change("dashboards", "removed", slug) for slug in before if slug not in after]
    for slug in (s for s in after if s in before):
        for title in sorted(after[slug] - before[slug]):
            changes.append(Change("dashboards", "added", f"{slug}: panel {title}"))
        for title in sorted(before[slug] - after[slug]):
            changes.append(Change("dashboards", "removed", f"{slug}: panel {title}"))
    return changes
