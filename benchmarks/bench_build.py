"""Benchmark what users run: the installed ``workreport`` command, interleaved with baselines.

For each size it generates synthetic department ledgers (``make_ledgers.py``)
and runs, as subprocesses, in turn (A B C … A B C …, so a slow moment of a
shared machine hits every command alike), K rounds:

    workreport build DIR --period 2022 -o OUT.docx --force          (the default: writes the 底稿)
    workreport build DIR --period 2022 -o OUT.docx --force --no-audit
    workreport build DIR --period 2021-01-01..2022-12-31 …           (every row in period)
    workreport build DIR --period 2022H1 …                           (a quarter of the rows)
    workreport validate DIR
    pandas.read_excel(engine="openpyxl")  over every file, 1 and 2 processes
    pandas.read_excel(engine="calamine")  over every file, 1 and 2 processes
    python-calamine to Python lists, 2 processes                    (the parse floor)

and, for ``sample``, ``workreport build sample_data`` and ``workreport --help``.
The build uses two worker processes on a 2-core machine, so the baselines are
given the same number.  It prints median / min / max wall time, rows per
second, peak RSS (each command's own ``ru_maxrss``), the environment (CPU
count, pyarrow or not, pandas' string storage) and the targets of issue 13.

Usage::

    python benchmarks/bench_build.py                           # sample, large, many; 3 rounds
    python benchmarks/bench_build.py --sizes large --repeat 5 --keep ~/.cache/wr-bench
    python benchmarks/bench_build.py --files 10 --rows 500     # one explicit size
    python benchmarks/bench_build.py --no-openpyxl             # skip the slow openpyxl baselines
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import resource
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
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SIZES = {  # name: (files, rows per sheet); "sample" is the repository's sample_data
    "sample": None,
    "city": (50, 100),
    "100k": (20, 1000),
    "250k": (50, 1000),
    "large": (100, 1000),
    "many": (1000, 100),
}
DEFAULT_SIZES = "sample,large,many"
SHEETS = 5
PERIOD = "2022"  # the period of the targets: half the generated rows
ALL_ROWS = "2021-01-01..2022-12-31"  # the generator's whole span
HALF_YEAR = "2022H1"
PROCESSES = 2  # the build's processes on a 2-core machine: itself and one worker
CACHE_FOLDER = ".workreport-cache"  # where a build without workreport.toml keeps its cache
PACKAGES = (
    "workreport",
    "pandas",
    "numpy",
    "pyarrow",
    "openpyxl",
    "python-calamine",
    "python-docx",
    "click",
    "xlsxwriter",
)

# Targets of issue 13 (2 cores, installed CLI, interleaved, median of 3).
LARGE_BUILD_MAX_S = 6.0
AUDIT_EXTRA_MAX_S = 1.5
LARGE_RSS_MAX_MB = 500.0
MANY_BUILD_MAX_S = 8.0
SAMPLE_BUILD_MAX_S = 0.8
HELP_MAX_S = 0.1
LINEAR_TOLERANCE = 1.3  # cost per row may grow at most this much with size or file count

# Baselines: read every workbook of a folder, in N processes (files split evenly).
BASELINE = r"""
import json, sys, time
from pathlib import Path
from multiprocessing import get_context
t0 = time.perf_counter()
how, folder, procs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def read(paths):
    rows = 0
    if how == "floor":
        from python_calamine import CalamineWorkbook
        for p in paths:
            wb = CalamineWorkbook.from_path(str(p))
            for name in wb.sheet_names:
                rows += len(wb.get_sheet_by_name(name).to_python())
    else:
        import pandas as pd
        for p in paths:
            book = pd.read_excel(p, sheet_name=None, engine=how)
            rows += sum(len(df) for df in book.values())
    return rows
if __name__ == "__main__":
    files = sorted(Path(folder).glob("*.xlsx"))
    if procs == 1:
        rows = read(files)
    else:
        with get_context("spawn").Pool(procs) as pool:
            rows = sum(pool.map(read, [files[i::procs] for i in range(procs)]))
    print(json.dumps({"rows": rows, "s": time.perf_counter() - t0}))
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
    cpu: float  # user + system seconds of the command and every process it waited for
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
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def worst(self) -> float:
        return max(r.wall for r in self.runs)

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
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        lines = rss.read().split()
        kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            wall,
            kib / 1024 if sys.platform != "darwin" else kib / 2**20,
            cpu,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def entry_point() -> list[str]:
    """The installed ``workreport`` command: beside this Python first, then on PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("workreport", path=search)
    return [exe] if exe else [sys.executable, "-m", "workreport"]


def measure_interleaved(commands: list[tuple[str, list[str]]], cwd: Path, repeat: int, echo):
    """Every command once per round, in turn; a command that fails is not run again."""
    ms = [Measure(c[0]) for c in commands]
    for k in range(repeat):
        for m, (_, argv, *before) in zip(ms, commands, strict=True):
            if m.runs and m.runs[-1].rc != 0:
                continue
            for step in before:  # untimed: e.g. change one workbook before a warm rerun
                step()
            r = run(argv, cwd)
            m.runs.append(r)
            echo(
                f"    round {k + 1}/{repeat}  {m.label:<50} {r.wall:7.2f} s {r.cpu:7.2f} s cpu {r.rss_mb:6.0f} MB  exit {r.rc}"
            )
    return ms


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


def environment() -> list[tuple[str, str]]:
    """What changes the numbers besides the machine: pyarrow, pandas' string storage."""
    probe = (
        "import pandas as pd, json; print(json.dumps({'infer_string': "
        "str(pd.get_option('future.infer_string')), 'string_storage': "
        "str(pd.get_option('mode.string_storage'))}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    try:
        opts = json.loads(out.stdout)
    except ValueError:
        opts = {}
    return [
        ("pyarrow", "installed" if importlib.util.find_spec("pyarrow") else "not installed"),
        (
            "pandas strings",
            f"future.infer_string={opts.get('infer_string', '?')}, "
            f"mode.string_storage={opts.get('string_storage', '?')} (pandas' own default)",
        ),
        (
            "cpu count",
            f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}",
        ),
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
        rate = (
            ""
            if "--help" in m.label or not m.ok or not total_rows
            else f"{total_rows / m.median:,.0f}"
        )
        status = "ok" if m.ok else f"exit {m.runs[-1].rc}"
        rows.append(
            [
                m.label,
                f"{m.median:.2f}",
                f"{m.best:.2f}",
                f"{m.worst:.2f}",
                f"{m.cpu:.2f}",
                rate,
                f"{m.rss:.0f}",
                f"{status} ×{len(m.runs)}",
            ]
        )
    return _table(
        ["command", "median s", "min s", "max s", "cpu s", "rows/s", "peak RSS MB", "runs"],
        rows,
        markdown,
    )


def _fail_text(m: Measure) -> str:
    r = m.runs[-1]
    text = (r.stderr.strip() or r.stdout.strip()).splitlines()
    return "\n".join("      " + line for line in text[-15:])


WARM = "warm rerun, one workbook changed: "


def changer(data: Path, warm: Path):
    """Before each warm run (untimed): the first workbook of ``warm`` saved anew with a new
    document title, so its bytes differ from every earlier run's and its parse is not cached."""
    import openpyxl

    if not warm.exists():
        shutil.copytree(data, warm, ignore=shutil.ignore_patterns(".*"))
    first = sorted(warm.glob("*.xlsx"))[0]
    count = [0]

    def change() -> None:
        count[0] += 1
        wb = openpyxl.load_workbook(first)
        wb.properties.title = f"bench {os.getpid()} {count[0]} {time.time()}"
        wb.save(first)

    return change


def emptier(folder: Path):
    """Before each first run (untimed): the parsed-workbook cache an earlier round filled
    is deleted, so the command runs as it does the first time, writing its cache."""

    def empty() -> None:
        shutil.rmtree(folder / CACHE_FOLDER, ignore_errors=True)

    return empty


def commands_for(name: str, wr: list[str], data: Path, out: Path, openpyxl: bool, baseline: Path):
    """(label, argv, untimed steps before it) of every command measured for one size, in
    the order they take turns.  Every workreport command is the default one, cache
    included: a first run starts with no cache, a warm rerun with the cache of the run
    before it."""
    first = emptier(data)
    if name == "sample":
        return [
            (
                "workreport build sample_data",
                [*wr, "build", str(data), "-o", str(out), "--force"],
                first,
            ),
            ("workreport --help", [*wr, "--help"]),
        ]

    def build(period: str, *extra: str, folder: Path = data) -> tuple[str, list[str]]:
        argv = [*wr, "build", str(folder), "--period", period, "-o", str(out), "--force"]
        return (
            f"workreport build --period {period} {' '.join(extra)}".strip(),
            argv + [*extra],
            first,
        )

    warm = out.parent / "warm"  # a copy of the data: one workbook changes before each warm run
    cmds = [
        build(PERIOD),
        build(PERIOD, "--no-audit"),
        build(ALL_ROWS),
        build(HALF_YEAR),
        ("workreport validate", [*wr, "validate", str(data)], first),
        (WARM + "default", build(PERIOD, folder=warm)[1], changer(data, warm)),
        (WARM + "--no-audit", build(PERIOD, "--no-audit", folder=warm)[1], changer(data, warm)),
    ]
    engines = (["openpyxl"] if openpyxl else []) + ["calamine"]
    for engine in engines:
        for procs in (1, PROCESSES):
            cmds.append(
                (
                    f"baseline pandas+{engine}, {procs} process{'es' if procs > 1 else ''}",
                    [sys.executable, str(baseline), engine, str(data), str(procs)],
                )
            )
    cmds.append(
        (
            f"floor: python-calamine to lists, {PROCESSES} processes",
            [sys.executable, str(baseline), "floor", str(data), str(PROCESSES)],
        )
    )
    return cmds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, help="explicit size: number of workbooks")
    ap.add_argument("--rows", type=int, help="explicit size: data rows per sheet")
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma list of {', '.join(SIZES)}")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (median reported)")
    ap.add_argument("--keep", type=Path, help="cache the generated workbooks in this folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-openpyxl", action="store_true", help="skip the openpyxl baselines")
    ap.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    ap.add_argument("--quiet", action="store_true", help="no per-run lines")
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
    for k, v in machine() + environment():
        print(f"  {k:<14} {v}")
    print(f"  {'command':<14} {' '.join(wr)}")
    print(f"  {'peak RSS':<14} {RSS_METHOD}")
    print(f"  {'rounds':<14} {a.repeat}, commands interleaved within each round")
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
        baseline = scratch / "baseline.py"  # a file, so that spawned workers can import it
        baseline.write_text(BASELINE)
        run([*wr, "--help"], work)  # warm-up: bytecode compiled, files cached
        for name, size in sizes:
            if size is None:
                data, files, total = (
                    ROOT / "sample_data",
                    len(list((ROOT / "sample_data").glob("*.xlsx"))),
                    0,
                )
                print(f"== sample: {data} (its workreport.toml: 2022H1) ==", flush=True)
            else:
                files, rows = size
                total = files * rows * SHEETS
                print(
                    f"== {name}: {files} files × {rows:,} rows × {SHEETS} sheets = {total:,} rows ==",
                    flush=True,
                )
                data = dataset(files, rows, a.seed, a.keep, scratch, echo)
            out = scratch / f"out-{name}" / "汇报稿.docx"
            out.parent.mkdir(exist_ok=True)
            cmds = commands_for(name, wr, data, out, not a.no_openpyxl, baseline)
            run(cmds[0][1], work)  # warm-up round of the first command: the files are in cache
            for label, argv, *_ in cmds:
                if label.startswith(WARM):
                    run(argv, work)  # the parsed-workbook cache filled, as by an earlier build
            ms = measure_interleaved(cmds, work, a.repeat, echo)
            mb = sum(p.stat().st_size for p in data.glob("*.xlsx")) / 1e6
            print(
                f"\n{name}: {files} files, {total:,} rows, {mb:.1f} MB  (load average now {loadavg()})"
            )
            print(size_table(total, ms, False))
            for m in ms:
                if not m.ok:
                    print(f"  ✗ {m.label} failed (exit {m.runs[-1].rc}):\n{_fail_text(m)}")
            print(flush=True)
            results[name] = {"files": files, "total": total, "mb": mb, "measures": ms}

    print(targets(results, False))
    if a.markdown:
        print("\n----- Markdown -----\n")
        for name, r in results.items():
            print(f"**{name}**: {r['files']} files, {r['total']:,} rows, {r['mb']:.1f} MB\n")
            print(size_table(r["total"], r["measures"], True) + "\n")
        print(targets(results, True))
    return 0


def targets(results: dict[str, dict], markdown: bool) -> str:
    def get(size: str, label: str) -> Measure | None:
        for m in results.get(size, {}).get("measures", []):
            if m.label == label:
                return m
        return None

    def status(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "NOT MET")

    def timed(target: str, m: Measure | None, limit: float) -> list[str]:
        if m is None:
            return [target, "—", status(None)]
        if not m.ok:
            return [target, f"failed (exit {m.runs[-1].rc})", status(False)]
        return [target, f"{m.median:.2f} s", status(m.median <= limit)]

    default = f"workreport build --period {PERIOD}"
    bare = f"{default} --no-audit"
    rows = [
        timed(
            f"large: default build ≤ {LARGE_BUILD_MAX_S:g} s",
            get("large", default),
            LARGE_BUILD_MAX_S,
        )
    ]
    b, n = get("large", default), get("large", bare)
    if b and n and b.ok and n.ok:
        extra = statistics.median(x.wall - y.wall for x, y in zip(b.runs, n.runs, strict=False))
        extra_cpu = statistics.median(x.cpu - y.cpu for x, y in zip(b.runs, n.runs, strict=False))
        rows.append(
            [
                f"large: the 底稿 adds ≤ {AUDIT_EXTRA_MAX_S:g} s over --no-audit",
                f"{extra:.2f} s wall, {extra_cpu:.2f} s cpu (medians of the paired differences)",
                status(extra <= AUDIT_EXTRA_MAX_S),
            ]
        )
        rows.append(
            [
                f"large: peak RSS ≤ {LARGE_RSS_MAX_MB:g} MB",
                f"{b.rss:.0f} MB (--no-audit {n.rss:.0f} MB)",
                status(b.rss <= LARGE_RSS_MAX_MB),
            ]
        )
    else:
        rows.append([f"large: the 底稿 adds ≤ {AUDIT_EXTRA_MAX_S:g} s", "—", status(None)])
        rows.append([f"large: peak RSS ≤ {LARGE_RSS_MAX_MB:g} MB", "—", status(None)])
    rows.append(timed("large: warm rerun, default ≤ 3.5 s", get("large", WARM + "default"), 3.5))
    rows.append(timed("large: warm rerun, --no-audit ≤ 2 s", get("large", WARM + "--no-audit"), 2))
    rows.append(
        timed(
            f"many: default build ≤ {MANY_BUILD_MAX_S:g} s", get("many", default), MANY_BUILD_MAX_S
        )
    )
    rows.append(
        timed(
            f"sample: build sample_data ≤ {SAMPLE_BUILD_MAX_S:g} s",
            get("sample", "workreport build sample_data"),
            SAMPLE_BUILD_MAX_S,
        )
    )
    rows.append(
        timed(
            f"workreport --help ≤ {HELP_MAX_S:g} s", get("sample", "workreport --help"), HELP_MAX_S
        )
    )
    # linear in files: the same rows in 10× the files cost at most LINEAR_TOLERANCE× as much
    big, many = get("large", default), get("many", default)
    if (
        big
        and many
        and big.ok
        and many.ok
        and results["large"]["total"] == results["many"]["total"]
    ):
        ratio = many.median / big.median
        rows.append(
            [
                "time linear in files (many ÷ large, same rows)",
                f"{ratio:.2f}× ({many.median:.2f} s / {big.median:.2f} s)",
                status(ratio <= LINEAR_TOLERANCE),
            ]
        )
    else:
        rows.append(["time linear in files", "needs large and many", status(None)])
    pts = sorted(
        (r["total"], m.median)
        for s, r in results.items()
        if s in ("100k", "250k", "large") and (m := get(s, default)) and m.ok
    )
    if len(pts) >= 3:
        slopes = [
            (t2 - t1) / (n2 - n1) * 1e6 for (n1, t1), (n2, t2) in zip(pts, pts[1:], strict=False)
        ]
        rows.append(
            [
                "time linear in rows (marginal µs/row, 100k→250k→large)",
                " → ".join(f"{x:.1f}" for x in slopes),
                status(slopes[-1] <= LINEAR_TOLERANCE * slopes[0]),
            ]
        )
    else:
        rows.append(["time linear in rows", "needs 100k, 250k and large", status(None)])
    return "targets (issue 13):\n" + _table(["target", "measured", "status"], rows, markdown)


if __name__ == "__main__":
    raise SystemExit(main())
