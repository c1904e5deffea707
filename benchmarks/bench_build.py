"""Benchmark the installed ``workreport`` command against a pandas/openpyxl baseline.

For each size it generates synthetic department ledgers (``make_ledgers.py``),
then runs, as subprocesses of the installed entry point, K times each:

    workreport --help
    workreport validate DIR
    workreport stats DIR --period 2022H1 --format json
    workreport build DIR --period 2022H1 -o OUT.docx --force --no-audit

and the baselines, each in its own subprocess so its memory is measured too:

    pandas.read_excel(path, sheet_name=None, engine="openpyxl")   over every file
    pandas.read_excel(path, sheet_name=None, engine="calamine")   (for reference)

It prints median wall time, rows per second and peak RSS (each command's own
``ru_maxrss``, taken through GNU time or a small launcher, see ``run``), the
ratio baseline / build (the headline), the machine, and the targets of issue 6
with met / not met.

Usage::

    python benchmarks/bench_build.py                       # all four sizes, 3 runs each
    python benchmarks/bench_build.py --sizes city,large --repeat 5 --keep ~/.cache/wr-bench
    python benchmarks/bench_build.py --files 10 --rows 500 # one explicit size
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = {  # name: (files, rows per sheet)
    "city": (50, 100),
    "100k": (20, 1000),
    "250k": (50, 1000),
    "large": (100, 1000),
}
SHEETS = 5
PERIOD = "2022H1"
PACKAGES = (
    "workreport",
    "pandas",
    "openpyxl",
    "python-calamine",
    "python-docx",
    "click",
    "xlsxwriter",
)

# Targets of issue 6 (on a 2-core machine).
HELP_MAX_S = 0.1
CITY_BUILD_MAX_S = 1.5
LARGE_BUILD_MAX_S = 4.0
LARGE_SPEEDUP_MIN = 6.0
LARGE_RSS_MAX_MB = 600.0
LINEAR_TOLERANCE = 1.3  # marginal cost per row may grow at most this much with size

BASELINE = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
rows = 0
for p in sorted(Path(sys.argv[2]).glob("*.xlsx")):
    book = pd.read_excel(p, sheet_name=None, engine=sys.argv[1])
    rows += sum(len(df) for df in book.values())
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "read_s": t2 - t1, "rows": rows}))
"""

# `build` once under cProfile (in its own process, through the console-script
# entry point), for the note a missed target needs.  Work done in worker
# processes shows up as waiting on a lock.
PROFILE = r"""
import cProfile, io, pstats, sys
from importlib import metadata
out, sort, top, *argv = sys.argv[1:]
(ep,) = metadata.entry_points(group="console_scripts", name="workreport")
main = ep.load()
sys.argv = ["workreport", *argv]
prof = cProfile.Profile()
prof.enable()
try:
    main()
except SystemExit:
    pass
prof.disable()
with open(out, "w") as fh:
    for key in sort.split(","):
        pstats.Stats(prof, stream=fh).sort_stats(key).print_stats(int(top))
"""


def loadavg() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


@dataclass
class Run:
    rc: int
    wall: float
    rss_mb: float
    stdout: str
    stderr: str


@dataclass
class Measure:
    label: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.rc == 0 for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)


# ---------------------------------------------------------------- running


# The child's own peak RSS.  Not os.wait4 on a child we spawn directly: Linux
# starts a child's ru_maxrss at its parent's high-water mark (exec keeps the
# larger of the two), so every child would report at least this script's peak.
# A small launcher in between (GNU time, else a bare Python that spawns and
# waits) resets that: the figure is the command's own, plus at most the
# launcher's few MB.
_LAUNCHER = (
    "import os, sys\n"
    "pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, st, ru = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(ru.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(st) & 255)\n"
)


def _gnu_time() -> str | None:
    exe = shutil.which("time", path="/usr/bin:/bin")
    if not exe:
        return None
    with tempfile.NamedTemporaryFile("r") as f:
        ok = (
            subprocess.run([exe, "-f", "%M", "-o", f.name, "true"], capture_output=True).returncode
            == 0
        )
        return exe if ok and f.read().strip().isdigit() else None


GNU_TIME = _gnu_time()
RSS_METHOD = (
    f"{GNU_TIME} -f %M (the command's own ru_maxrss)"
    if GNU_TIME
    else "os.wait4 in a small Python launcher (the command's own ru_maxrss)"
)


def run(argv: list[str], cwd: Path) -> Run:
    """Run ``argv``: wall time, exit code, and the command's own peak RSS."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
    ):
        if GNU_TIME:
            cmd = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv]
        else:
            cmd = [sys.executable, "-S", "-c", _LAUNCHER, rss.name, *argv]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        wall = time.perf_counter() - t0
        lines = rss.read().split()
        kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            wall,
            kib / 1024 if sys.platform != "darwin" else kib / 2**20,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def entry_point() -> list[str]:
    """The installed ``workreport`` command: beside this Python first, then on PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("workreport", path=search)
    return [exe] if exe else [sys.executable, "-m", "workreport"]


def _unknown_options(r: Run, options: list[str]) -> list[str]:
    """The options a usage error (exit 2) rejected as unknown."""
    if r.rc != 2:
        return []
    text = r.stderr + r.stdout
    if not re.search(
        r"no such option|unrecognized|unknown option|没有.*选项|未知.*选项", text, re.I
    ):
        return []
    return [o for o in options if o in text]


def measure(label: str, argv: list[str], cwd: Path, repeat: int, echo) -> Measure:
    m = Measure(label)
    for i in range(repeat):
        r = run(argv, cwd)
        m.runs.append(r)
        echo(
            f"    {label:<44} run {i + 1}/{repeat}: {r.wall:7.2f} s  {r.rss_mb:6.0f} MB  exit {r.rc}"
        )
        if r.rc not in (0,):
            break  # a failing command is not timed again
    return m


def build_argv(m: Measure, data: Path, out: Path) -> list[str]:
    """The build arguments (without the command) that ``m`` was measured with."""
    options = [o for o in ("--force", "--no-audit") if o in m.label]
    return ["build", str(data), "--period", PERIOD, "-o", str(out), *options]


def measure_build(wr: list[str], data: Path, out: Path, cwd: Path, repeat: int, echo) -> Measure:
    optional = ["--force", "--no-audit"]
    while True:
        argv = [*wr, "build", str(data), "--period", PERIOD, "-o", str(out), *optional]
        label = "workreport build " + " ".join(optional)
        probe = run(argv, cwd)
        rejected = _unknown_options(probe, optional)
        if not rejected:
            break
        echo(f"    build rejected {' '.join(rejected)}; retrying without")
        optional = [o for o in optional if o not in rejected]
    m = Measure(label.strip())
    if "--no-audit" not in optional:
        m.note = "writes the audit workbook too"
    m.runs.append(probe)
    echo(
        f"    {m.label:<44} run 1/{repeat}: {probe.wall:7.2f} s  {probe.rss_mb:6.0f} MB  exit {probe.rc}"
    )
    for i in range(1, repeat if probe.rc == 0 else 1):
        if "--force" not in optional:  # cannot overwrite: start from scratch each time
            for p in out.parent.glob(out.stem + "*"):
                p.unlink()
        r = run(argv, cwd)
        m.runs.append(r)
        echo(
            f"    {m.label:<44} run {i + 1}/{repeat}: {r.wall:7.2f} s  {r.rss_mb:6.0f} MB  exit {r.rc}"
        )
        if r.rc != 0:
            break
    return m


# ---------------------------------------------------------------- data


def _generator_hash() -> str:
    return hashlib.sha256((HERE / "make_ledgers.py").read_bytes()).hexdigest()[:16]


def dataset(files: int, rows: int, seed: int, keep: Path | None, scratch: Path, echo) -> Path:
    """Generate (or reuse from ``keep``) the workbooks for one size."""
    import make_ledgers

    base = keep if keep is not None else scratch
    folder = base / f"f{files}_r{rows}_s{seed}"
    stamp = folder / ".complete"  # hidden: the loader skips it
    want = {"files": files, "rows": rows, "seed": seed, "generator": _generator_hash()}
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text()) == want:
                echo(f"  data: reusing {folder}")
                return folder
        except ValueError:
            pass
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    make_ledgers.generate(folder, files, rows, seed)
    echo(f"  data: generated {files} workbooks in {time.perf_counter() - t0:.1f} s → {folder}")
    stamp.write_text(json.dumps(want))
    return folder


# ---------------------------------------------------------------- report


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    versions = []
    for pkg in PACKAGES:
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    return [
        ("CPU", cpu),
        ("cores (nproc)", f"{cores} (os.cpu_count {os.cpu_count()})"),
        ("RAM", ram),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("packages", ", ".join(versions)),
    ]


def _table(headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(_w(x) for x in col) for col in zip(headers, *rows, strict=True)]

    def fmt(r):
        return "  ".join(c + " " * (w - _w(c)) for c, w in zip(r, widths, strict=True)).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def _w(s: str) -> int:  # display width: CJK characters take two columns
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def size_table(total_rows: int, measures: list[Measure], markdown: bool) -> str:
    rows = []
    for m in measures:
        if not m.runs:
            continue
        rate = "" if "--help" in m.label or not m.ok else f"{total_rows / m.median:,.0f}"
        status = "ok" if m.ok else f"exit {m.runs[-1].rc}"
        rows.append(
            [
                m.label + (f" ({m.note})" if m.note else ""),
                f"{m.median:.2f}",
                f"{m.best:.2f}",
                rate,
                f"{m.rss:.0f}",
                f"{status} ×{len(m.runs)}",
            ]
        )
    return _table(
        ["command", "median s", "min s", "rows/s", "peak RSS MB", "status"], rows, markdown
    )


def _fail_text(m: Measure) -> str:
    r = m.runs[-1]
    text = (r.stderr.strip() or r.stdout.strip()).splitlines()
    return "\n".join("      " + line for line in text[-15:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, help="explicit size: number of workbooks")
    ap.add_argument("--rows", type=int, help="explicit size: data rows per sheet")
    ap.add_argument(
        "--sizes", default="city,100k,250k,large", help=f"comma list of {', '.join(SIZES)}"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per command (median reported)")
    ap.add_argument("--keep", type=Path, help="cache the generated workbooks in this folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true", help="skip the pandas baselines")
    ap.add_argument(
        "--markdown",
        action="store_true",
        help="also print every table as Markdown at the end (for README.md)",
    )
    ap.add_argument("--quiet", action="store_true", help="no per-run lines")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="also run build once under cProfile per size and print the top functions",
    )
    a = ap.parse_args(argv)

    if a.files is not None or a.rows is not None:
        sizes = [("custom", (a.files or 50, a.rows or 100))]
    else:
        names = [s.strip() for s in a.sizes.split(",") if s.strip()]
        unknown = [s for s in names if s not in SIZES]
        if unknown:
            ap.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
        sizes = [(s, SIZES[s]) for s in names]
    if a.repeat < 1:
        ap.error("--repeat must be ≥ 1")

    def echo(msg: str) -> None:
        if not a.quiet:
            print(msg, flush=True)

    wr = entry_point()
    print("machine:")
    for k, v in machine():
        print(f"  {k:<14} {v}")
    print(f"  {'command':<14} {' '.join(wr)}")
    print(f"  {'peak RSS':<14} {RSS_METHOD}")
    print(f"  {'period':<14} {PERIOD}, {a.repeat} runs per command")
    print(f"  {'load average':<14} {loadavg()} at start")
    env_notes = [
        k
        for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONOPTIMIZE", "PYTHONPROFILEIMPORTTIME")
        if os.environ.get(k)
    ]
    if env_notes:
        print(f"  {'environment':<14} {', '.join(env_notes)} set (inherited by every command)")
    print(flush=True)

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="wr-bench-") as tmp:
        scratch = Path(tmp)
        work = scratch / "work"  # cwd of every child: no workreport.toml here
        work.mkdir()
        run([*wr, "--help"], work)  # warm-up: bytecode compiled, files cached
        for name, (files, rows) in sizes:
            total = files * rows * SHEETS
            print(
                f"== {name}: {files} files × {rows:,} rows × {SHEETS} sheets = {total:,} rows ==",
                flush=True,
            )
            data = dataset(files, rows, a.seed, a.keep, scratch, echo)
            mb = sum(p.stat().st_size for p in data.glob("*.xlsx")) / 1e6
            out = scratch / f"out-{name}" / "汇报稿.docx"
            out.parent.mkdir(exist_ok=True)
            ms = [
                measure("workreport --help", [*wr, "--help"], work, a.repeat, echo),
                measure("workreport validate", [*wr, "validate", str(data)], work, a.repeat, echo),
                measure(
                    "workreport stats --format json",
                    [*wr, "stats", str(data), "--period", PERIOD, "--format", "json"],
                    work,
                    a.repeat,
                    echo,
                ),
                measure_build(wr, data, out, work, a.repeat, echo),
            ]
            stats = ms[2]
            if stats.ok:
                try:
                    figs = json.loads(stats.runs[-1].stdout)["figures"]
                    echo(
                        f"    stats: {len(figs)} figures, clues={figs.get('clues')}, forms_total={figs.get('forms_total')}"
                    )
                except (ValueError, KeyError, TypeError) as e:
                    stats.note = f"output is not the JSON shape of docs/rules.md (命令行): {e}"
            baseline = None
            if not a.no_baseline:
                for engine in ("openpyxl", "calamine"):
                    b = measure(
                        f"baseline pandas.read_excel {engine}",
                        [sys.executable, "-c", BASELINE, engine, str(data)],
                        work,
                        a.repeat,
                        echo,
                    )
                    ms.append(b)
                    if engine == "openpyxl":
                        baseline = b
            if a.profile:
                prof_out = scratch / f"profile-{name}.txt"
                argv_b = [a_ for a_ in build_argv(ms[3], data, out)]
                r = run(
                    [
                        sys.executable,
                        "-c",
                        PROFILE,
                        str(prof_out),
                        "cumulative,tottime",
                        "25",
                        *argv_b,
                    ],
                    work,
                )
                print(
                    f"\n  cProfile of build ({name}, {r.wall:.1f} s under the profiler, exit {r.rc}):"
                )
                if prof_out.is_file():
                    print(
                        "\n".join(
                            "    " + line
                            for line in prof_out.read_text().splitlines()
                            if line.strip()
                        )
                    )
            print(
                f"\n{name}: {files} files, {total:,} rows, {mb:.1f} MB  (load average now {loadavg()})"
            )
            print(size_table(total, ms, False))
            build = ms[3]
            for m in ms:
                if not m.ok:
                    print(f"  ✗ {m.label} failed (exit {m.runs[-1].rc}):\n{_fail_text(m)}")
            if build.ok and baseline is not None and baseline.ok:
                ratio = baseline.median / build.median
                print(
                    f"\n  HEADLINE {name}: build {build.median:.2f} s vs openpyxl baseline {baseline.median:.2f} s → {ratio:.1f}× faster"
                )
            print(flush=True)
            results[name] = {
                "files": files,
                "rows": rows,
                "total": total,
                "mb": mb,
                "measures": ms,
                "baseline": baseline,
            }

    print(targets(results, False))
    if a.markdown:
        print("\n----- Markdown -----\n")
        for name, r in results.items():
            print(
                f"**{name}**: {r['files']} files × {r['rows']:,} rows × {SHEETS} sheets = {r['total']:,} rows, {r['mb']:.1f} MB\n"
            )
            print(size_table(r["total"], r["measures"], True) + "\n")
        print(targets(results, True))
    return 0


def targets(results: dict[str, dict], markdown: bool) -> str:
    def get(size: str, label: str) -> Measure | None:
        if size not in results:
            return None
        return next((m for m in results[size]["measures"] if m.label.startswith(label)), None)

    def status(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "NOT MET")

    rows = []
    helps = [m for s in results if (m := get(s, "workreport --help")) and m.ok]
    h = min((m.median for m in helps), default=None)
    rows.append(
        [
            f"workreport --help ≤ {HELP_MAX_S} s",
            "—" if h is None else f"{h:.3f} s",
            status(None if h is None else h <= HELP_MAX_S),
        ]
    )

    def build_row(size: str, limit: float):
        b = get(size, "workreport build")
        if b is None:
            return [f"{size} build ≤ {limit} s", "—", status(None)]
        if not b.ok:
            return [f"{size} build ≤ {limit} s", f"failed (exit {b.runs[-1].rc})", status(False)]
        return [f"{size} build ≤ {limit} s", f"{b.median:.2f} s", status(b.median <= limit)]

    rows.append(build_row("city", CITY_BUILD_MAX_S))
    rows.append(build_row("large", LARGE_BUILD_MAX_S))
    b, base = get("large", "workreport build"), results.get("large", {}).get("baseline")
    if b is None or base is None:
        rows.append([f"large build ≥ {LARGE_SPEEDUP_MIN:g}× openpyxl baseline", "—", status(None)])
    elif not (b.ok and base.ok):
        rows.append(
            [f"large build ≥ {LARGE_SPEEDUP_MIN:g}× openpyxl baseline", "failed", status(False)]
        )
    else:
        ratio = base.median / b.median
        rows.append(
            [
                f"large build ≥ {LARGE_SPEEDUP_MIN:g}× openpyxl baseline",
                f"{ratio:.1f}× ({base.median:.1f} s / {b.median:.2f} s)",
                status(ratio >= LARGE_SPEEDUP_MIN),
            ]
        )
    wr_large = [
        m
        for m in results.get("large", {}).get("measures", [])
        if m.label.startswith("workreport") and m.runs
    ]
    if wr_large:
        worst = max(wr_large, key=lambda m: m.rss)
        rows.append(
            [
                f"large peak RSS ≤ {LARGE_RSS_MAX_MB:g} MB",
                f"{worst.rss:.0f} MB ({worst.label.split()[1]})",
                status(worst.rss <= LARGE_RSS_MAX_MB and all(m.ok for m in wr_large)),
            ]
        )
    else:
        rows.append([f"large peak RSS ≤ {LARGE_RSS_MAX_MB:g} MB", "—", status(None)])
    # linearity: marginal build time per row between consecutive sizes ≥ 100k rows
    pts = sorted(
        (r["total"], m.median)
        for s, r in results.items()
        if r["total"] >= 100_000 and (m := get(s, "workreport build")) and m.ok
    )
    if len(pts) >= 3:
        slopes = [
            (t2 - t1) / (n2 - n1) * 1e6 for (n1, t1), (n2, t2) in zip(pts, pts[1:], strict=False)
        ]
        text = " → ".join(f"{s:.1f}" for s in slopes) + " µs/row (marginal)"
        rows.append(
            ["time linear in rows", text, status(slopes[-1] <= LINEAR_TOLERANCE * slopes[0])]
        )
    else:
        rows.append(["time linear in rows", "needs 100k, 250k and large", status(None)])
    return "targets (issue 6):\n" + _table(["target", "measured", "status"], rows, markdown)


if __name__ == "__main__":
    raise SystemExit(main())
