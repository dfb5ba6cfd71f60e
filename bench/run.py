"""`make bench`: whole-process wall time and peak RSS of eyewatch-gen commands, as the median
of paired ratios against B0 (`python -c pass` with the same interpreter), alternating B0 and
the command. Writes bench/results.json and prints a Markdown table.

    python bench/run.py [--repeat 10] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.plans import plan as synthetic_plan  # noqa: E402

PYTHON = sys.executable
CLI = [PYTHON, "-m", "eyewatch_gen"]


@dataclass
class Result:
    """One measured command."""

    name: str
    ratio: float  # median of paired ratios against B0
    seconds: float  # median wall time
    rss_mib: float  # peak RSS (max over runs)
    target: str
    met: bool | None


def timed(
    command: list[str], cwd: Path, env: dict[str, str], expect: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; a wrong exit code stops the bench."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in expect:
        raise SystemExit(f"bench: {' '.join(command)} exited {code} in {cwd}")
    return elapsed, usage.ru_maxrss / 1024


def paired(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    repeat: int,
    before: list[str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> tuple[float, float, float]:
    """Median ratio, median seconds and max RSS, alternating B0 and the command."""
    ratios, seconds, rss = [], [], 0.0
    for _ in range(repeat):
        if before:
            subprocess.run(before, cwd=cwd, env=env, check=False, capture_output=True)
        base, _ = timed([PYTHON, "-c", "pass"], cwd, env)
        took, peak = timed(command, cwd, env, expect)
        ratios.append(took / base)
        seconds.append(took)
        rss = max(rss, peak)
    return statistics.median(ratios), statistics.median(seconds), rss


def measure(
    name: str,
    args: list[str],
    work: Path,
    env: dict[str, str],
    repeat: int,
    target: float | None,
    before: list[str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> Result:
    ratio, seconds, rss = paired([*CLI, *args], work, env, repeat, before, expect)
    met = None if target is None else ratio <= target
    shown = "-" if target is None else f"<= {target:g}x B0"
    print(
        f"  {name:<42} {ratio:7.1f}x B0 {seconds * 1000:9.0f} ms {rss:7.0f} MiB  {shown}",
        flush=True,
    )
    return Result(name, round(ratio, 2), round(seconds, 4), round(rss, 1), shown, met)


def workspace(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "plan.yaml").write_text(text)
    return folder


def render_seconds(work: Path, env: dict[str, str], repeat: int) -> float:
    """Median wall time of a cold render of work/plan.yaml."""
    _, seconds, _ = paired(
        [*CLI, "render", "--out", "cold"], work, env, repeat, ["rm", "-rf", "cold"]
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="fewer repeats on large plans")
    args = parser.parse_args()
    repeat = args.repeat
    big = 3 if args.quick else max(3, repeat // 2)
    results: list[Result] = []
    marginal: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="eyewatch-bench-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
        default = root / "default"
        default.mkdir()
        shutil.copy(ROOT / "plan.yaml", default / "plan.yaml")
        print(f"B0 = {PYTHON} -c pass; median of {repeat} paired ratios")
        print("default plan (plan.yaml)")
        results.append(measure("--version", ["--version"], default, env, repeat, 4))
        results.append(measure("--help", ["--help"], default, env, repeat, 12))
        results.append(measure("validate (default)", ["validate"], default, env, repeat, None))
        results.append(
            measure(
                "render cold (default)",
                ["render", "--out", "cold"],
                default,
                env,
                repeat,
                15,
                ["rm", "-rf", "cold"],
            )
        )
        subprocess.run([*CLI, "render"], cwd=default, env=env, check=True, capture_output=True)
        results.append(measure("check, no change (fast path)", ["check"], default, env, repeat, 4))
        no_cache = {**env, "XDG_CACHE_HOME": str(root / "empty-cache")}
        forget = ["rm", "-rf", str(root / "empty-cache")]
        results.append(
            measure("check, in sync (no cache)", ["check"], default, no_cache, repeat, None, forget)
        )
        results.append(
            measure(
                "check, stale",
                ["check"],
                default,
                env,
                repeat,
                None,
                ["sh", "-c", "echo '# edit' >> generated/docs/alerts.md"],
                expect=(1,),
            )
        )
        results.append(
            measure(
                "lint --offline (default)",
                ["lint", "--offline", "-f", "plain"],
                default,
                env,
                repeat,
                None,
                [*CLI, "render"],
            )
        )
        for name, alerts, boards in (
            ("small (50 alerts, 5 dashboards)", 50, 5),
            ("mixin-sized (65 alerts, 23 dashboards)", 65, 23),
            ("large (5000 alerts, 200x20 dashboards)", 5000, 200),
        ):
            print(name)
            work = workspace(root, name.split()[0], synthetic_plan(alerts, boards))
            reps = big if alerts > 1000 else repeat
            target = 100 if alerts > 1000 else None
            results.append(
                measure(
                    f"render cold, {name}",
                    ["render", "--out", "cold"],
                    work,
                    env,
                    reps,
                    target,
                    ["rm", "-rf", "cold"],
                )
            )
            if alerts > 1000:
                subprocess.run([*CLI, "render"], cwd=work, env=env, check=True, capture_output=True)
                results.append(
                    measure(
                        f"check no cache, {name}", ["check"], work, no_cache, reps, None, forget
                    )
                )
        print("marginal costs")
        sizes = {"alerts": ((1000, 0), (3000, 0)), "dashboards": ((0, 50), (0, 150))}
        for kind, ((a1, d1), (a2, d2)) in sizes.items():
            low = render_seconds(workspace(root, f"{kind}-low", synthetic_plan(a1, d1)), env, big)
            high = render_seconds(workspace(root, f"{kind}-high", synthetic_plan(a2, d2)), env, big)
            count = (a2 - a1) if kind == "alerts" else (d2 - d1)
            marginal[kind] = round((high - low) / count * 1000, 3)
            print(f"  {kind}: {marginal[kind]} ms each")
    b0 = paired([PYTHON, "-c", "pass"], ROOT, dict(os.environ), repeat)[1]
    report = {
        "b0_seconds": round(b0, 4),
        "results": [asdict(r) for r in results],
        "marginal_ms": {
            "per_alert": marginal["alerts"],
            "per_20_panel_dashboard": marginal["dashboards"],
        },
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    (ROOT / "bench/results.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(report))


def table(report: dict[str, object]) -> str:
    """The Markdown table the README shows."""
    rows = [
        "| command | × B0 (median) | wall | peak RSS | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:  # type: ignore[attr-defined]
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        rows.append(
            f"| {r['name']} | {r['ratio']:.1f} | {r['seconds'] * 1000:.0f} ms | "
            f"{r['rss_mib']:.0f} MiB | {r['target']} | {met} |"
        )
    marginal = report["marginal_ms"]
    rows.append(
        f"| marginal cost per alert | | {marginal['per_alert']} ms | | "  # type: ignore[index]
        "<= 0.15 ms | "
        + ("yes" if marginal["per_alert"] <= 0.15 else "**no**")  # type: ignore[index]
        + " |"
    )
    rows.append(
        f"| marginal cost per 20-panel dashboard | | "
        f"{marginal['per_20_panel_dashboard']} ms | | <= 3 ms | "  # type: ignore[index]
        + ("yes" if marginal["per_20_panel_dashboard"] <= 3 else "**no**")  # type: ignore[index]
        + " |"
    )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
