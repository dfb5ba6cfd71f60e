"""`make bench`: whole-process wall time and peak RSS of eyewatch-gen commands, as the median
of paired ratios against B0 (`python -c pass` with the same interpreter), alternating B0 and
the command. Writes bench/results.json, prints a Markdown table and puts it in README.md
(between the `bench:begin` and `bench:end` markers).

    python bench/run.py [--repeat 10] [--quick]

The package is byte-compiled first, as an installed wheel is (PYTHONDONTWRITEBYTECODE would
otherwise make every run compile our modules again).
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import re
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
from bench.plans import alert_set_plan  # noqa: E402
from bench.plans import plan as synthetic_plan  # noqa: E402

PYTHON = sys.executable
CLI = [PYTHON, "-m", "eyewatch_gen"]
README_BEGIN, README_END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass
class Result:
    """One measured row."""

    name: str
    ratio: float | None  # median of paired ratios against B0
    seconds: float  # median wall time, or the marginal cost of one item
    rss_mib: float | None  # peak RSS (max over runs)
    target: str
    met: bool | None
    unit: str = "command"  # or "per item": a marginal cost between two plan sizes


def timed(
    command: list[str], cwd: Path, env: dict[str, str], expect: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; a wrong exit code stops the bench."""
    elapsed, rss, _ = run_once(command, cwd, env, expect)
    return elapsed, rss


def run_once(
    command: list[str], cwd: Path, env: dict[str, str], expect: tuple[int, ...] = (0,)
) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in expect:
        raise SystemExit(f"bench: {' '.join(command)} exited {code} in {cwd}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


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


@dataclass(frozen=True)
class Target:
    """A row's goal: at most `ratio`x B0, or at most `seconds` of wall time."""

    ratio: float | None = None
    seconds: float | None = None
    text: str | None = None  # shown instead of the numbers

    def shown(self) -> str:
        if self.text:
            return self.text
        if self.ratio is not None:
            return f"<= {self.ratio:g}x B0"
        return f"<= {self.seconds:g} s" if self.seconds is not None else "-"

    def met(self, ratio: float, seconds: float) -> bool | None:
        if self.ratio is not None:
            return ratio <= self.ratio
        return None if self.seconds is None else seconds <= self.seconds


NONE = Target()


def measure(
    name: str,
    args: list[str],
    work: Path,
    env: dict[str, str],
    repeat: int,
    target: Target = NONE,
    before: list[str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> Result:
    ratio, seconds, rss = paired([*CLI, *args], work, env, repeat, before, expect)
    met = target.met(ratio, seconds)
    print(
        f"  {name:<46} {ratio:7.1f}x B0 {seconds * 1000:9.0f} ms {rss:7.0f} MiB  {target.shown()}",
        flush=True,
    )
    return Result(name, round(ratio, 2), round(seconds, 4), round(rss, 1), target.shown(), met)


def workspace(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "plan.yaml").write_text(text)
    return folder


def render_cold(name: str, work: Path, env: dict[str, str], repeat: int, target: Target) -> Result:
    """A cold render (no output directory) of work/plan.yaml."""
    return measure(
        name, ["render", "--out", "cold"], work, env, repeat, target, ["rm", "-rf", "cold"]
    )


def render_seconds(work: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median CPU seconds and peak RSS of a cold render of work/plan.yaml (CPU time: marginal
    costs are differences of a few hundred milliseconds, which a busy machine's wall time
    buries)."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(work / "cold", ignore_errors=True)
        runs.append(run_once([*CLI, "render", "--out", "cold"], work, env))
    return statistics.median(r[2] for r in runs), max(r[1] for r in runs)


def promtool_seconds(work: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median CPU seconds and peak RSS of `promtool test rules` on work's generated tests."""
    subprocess.run([*CLI, "render"], cwd=work, env=env, check=True, capture_output=True)
    tests = sorted(str(p) for p in (work / "generated/prometheus/tests").glob("*.test.yml"))
    runs = [run_once(["promtool", "test", "rules", *tests], work, env) for _ in range(repeat)]
    return statistics.median(r[2] for r in runs), max(r[1] for r in runs)


def marginal(
    name: str, low: tuple[float, float], high: tuple[float, float], count: int, limit: float
) -> Result:
    """CPU milliseconds per item between two sizes; RSS of the larger."""
    per_item = (high[0] - low[0]) / count
    met = per_item * 1000 <= limit
    print(f"  {name:<46} {per_item * 1000:9.3f} ms {high[1]:7.0f} MiB  <= {limit:g} ms")
    shown = f"<= {limit:g} ms"
    return Result(name, None, round(per_item, 6), round(high[1], 1), shown, met, "per item")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="fewer repeats on large plans")
    args = parser.parse_args()
    repeat = args.repeat
    big = 3 if args.quick else max(3, repeat // 2)
    compileall.compile_dir(ROOT / "src/eyewatch_gen", quiet=1)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="eyewatch-bench-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
        results += default_plan_rows(root, env, repeat)
        results += synthetic_rows(root, env, repeat, big)
        results += scale_rows(root, env, big)
        results += marginal_rows(root, env, big)
    b0 = paired([PYTHON, "-c", "pass"], ROOT, dict(os.environ), repeat)[1]
    report = {
        "b0_seconds": round(b0, 4),
        "results": [asdict(r) for r in results],
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    (ROOT / "bench/results.json").write_text(json.dumps(report, indent=2) + "\n")
    text = table(report)
    print()
    print(text)
    update_readme(ROOT / "README.md", text)


def default_plan_rows(root: Path, env: dict[str, str], repeat: int) -> list[Result]:
    default = root / "default"
    default.mkdir()
    shutil.copy(ROOT / "plan.yaml", default / "plan.yaml")
    print(f"B0 = {PYTHON} -c pass; median of {repeat} paired ratios")
    print("default plan (plan.yaml)")
    rows = [
        measure("--version", ["--version"], default, env, repeat, Target(4)),
        measure("--help", ["--help"], default, env, repeat, Target(12)),
        measure("validate (default)", ["validate"], default, env, repeat),
        render_cold("render cold (default)", default, env, repeat, Target(15)),
    ]
    subprocess.run([*CLI, "render"], cwd=default, env=env, check=True, capture_output=True)
    rows.append(measure("check, no change (fast path)", ["check"], default, env, repeat, Target(4)))
    no_cache = {**env, "XDG_CACHE_HOME": str(root / "empty-cache")}
    forget = ["rm", "-rf", str(root / "empty-cache")]
    rows.append(
        measure("check, in sync (no cache)", ["check"], default, no_cache, repeat, NONE, forget)
    )
    edit = ["sh", "-c", "echo '# edit' >> generated/docs/alerts.md"]
    rows.append(measure("check, stale", ["check"], default, env, repeat, NONE, edit, (1,)))
    rows.append(
        measure(
            "lint --offline (default)",
            ["lint", "--offline", "-f", "plain"],
            default,
            env,
            repeat,
            NONE,
            [*CLI, "render"],
        )
    )
    return rows


def synthetic_rows(root: Path, env: dict[str, str], repeat: int, big: int) -> list[Result]:
    rows = []
    no_cache = {**env, "XDG_CACHE_HOME": str(root / "empty-cache")}
    forget = ["rm", "-rf", str(root / "empty-cache")]
    for name, alerts, boards in (
        ("small (50 alerts, 5 dashboards)", 50, 5),
        ("mixin-sized (65 alerts, 23 dashboards)", 65, 23),
        ("large (5000 alerts, 200x20 dashboards)", 5000, 200),
    ):
        print(name)
        work = workspace(root, name.split()[0], synthetic_plan(alerts, boards))
        large = alerts > 1000
        target = Target(100) if large else NONE
        rows.append(
            render_cold(f"render cold, {name}", work, env, big if large else repeat, target)
        )
        if large:
            subprocess.run([*CLI, "render"], cwd=work, env=env, check=True, capture_output=True)
            rows.append(
                measure(f"check no cache, {name}", ["check"], work, no_cache, big, NONE, forget)
            )
    return rows


def scale_rows(root: Path, env: dict[str, str], big: int) -> list[Result]:
    """Alert sets against plain alerts, and a 20,000-alert plan."""
    print("scale")
    plain = workspace(root, "plain-5000", synthetic_plan(5000, 0))
    plain_row = render_cold("render cold, 5000 plain alerts", plain, env, big, NONE)
    sets_1k = workspace(root, "sets-1000", alert_set_plan(1000))
    sets_10k = workspace(root, "sets-10000", alert_set_plan(10_000))
    plain_ratio = plain_row.ratio or 0.0
    linear = Target(
        plain_ratio * 1.25, text=f"<= 5000 plain alerts x1.25 ({plain_ratio * 1.25:.0f}x B0)"
    )
    rows = [
        plain_row,
        render_cold("render cold, alert sets (1000 items)", sets_1k, env, big, Target(seconds=2)),
        render_cold("render cold, alert sets (10000 items)", sets_10k, env, big, linear),
    ]
    huge = workspace(root, "plain-20000", synthetic_plan(20_000, 0))
    renders = Target(math.inf, text="renders (exit 0)")  # linearity: the alert-set rows
    rows.append(render_cold("render cold, 20000 alerts", huge, env, 1, renders))
    return rows


def marginal_rows(root: Path, env: dict[str, str], big: int) -> list[Result]:
    print("marginal costs")
    low, high = (
        render_seconds(workspace(root, "alerts-low", synthetic_plan(1000, 0)), env, big),
        render_seconds(workspace(root, "alerts-high", synthetic_plan(3000, 0)), env, big),
    )
    boards = (
        render_seconds(workspace(root, "boards-low", synthetic_plan(0, 50)), env, big),
        render_seconds(workspace(root, "boards-high", synthetic_plan(0, 150)), env, big),
    )
    rows = [
        marginal("marginal cost per alert (CPU)", low, high, 2000, 0.15),
        marginal("marginal cost per 20-panel dashboard (CPU)", *boards, 100, 3),
    ]
    if shutil.which("promtool"):
        promtool = (
            promtool_seconds(workspace(root, "promtool-low", synthetic_plan(250, 0)), env, big),
            promtool_seconds(workspace(root, "promtool-high", synthetic_plan(1000, 0)), env, big),
        )
        rows.append(marginal("promtool test rules, CPU per alert", *promtool, 750, 2))
    return rows


def table(report: dict[str, object]) -> str:
    """The Markdown table the README shows."""
    rows = [
        "| command | × B0 (median) | wall | peak RSS | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:  # type: ignore[attr-defined]
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.1f}"
        each = r.get("unit") == "per item"
        wall = f"{r['seconds'] * 1000:.3f} ms each" if each else f"{r['seconds'] * 1000:.0f} ms"
        rss = "" if r["rss_mib"] is None else f"{r['rss_mib']:.0f} MiB"
        rows.append(f"| {r['name']} | {ratio} | {wall} | {rss} | {r['target']} | {met} |")
    return "\n".join(rows)


def update_readme(path: Path, text: str) -> None:
    """Replace the table between the bench markers in README.md (when they are there)."""
    readme = path.read_text()
    pattern = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), re.DOTALL)
    if pattern.search(readme):
        replaced = pattern.sub(lambda _: f"{README_BEGIN}\n{text}\n{README_END}", readme)
        path.write_text(replaced)
        print(f"bench: table updated in {path.name}")


if __name__ == "__main__":
    main()
