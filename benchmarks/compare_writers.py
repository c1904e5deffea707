"""Which .xlsx writer for the 数据底稿?  The evidence behind ``xlsxwrite.py`` (issue 13).

Builds the 底稿's tables once from a folder of ledgers (``audit_tables``), then
writes the same rows with each writer that is installed, each run in a fresh
process, the writers taking turns round by round; prints the median wall time
of the write alone and the process's peak RSS.  Strings are written as strings
(never formulas) by every writer.

    pip install xlsxwriter pyexcelerate rustpy-xlsxwriter rvgsrust-xlsxwriter   # optional
    python benchmarks/make_ledgers.py /tmp/large --files 100 --rows 1000
    python benchmarks/compare_writers.py /tmp/large --period 2022 --repeat 3
"""

from __future__ import annotations

import argparse
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITERS = ("workreport", "openpyxl", "xlsxwriter", "pyexcelerate", "rustpy_xlsxwriter", "rvgsrust")
MODULES = {"workreport": "workreport.xlsxwrite", "rvgsrust": "rvgsrust_xlsxwriter"}


def tables(folder: Path, period: str, out: Path) -> int:
    from workreport.audit import audit_tables
    from workreport.run import Request, Run

    run = Run.open([folder], request=Request.of(period=period))
    checked, config = run.checked(), run.config
    stats = run.stats()
    _, sheets = audit_tables(checked.ledgers, stats.values, stats.period, config)
    plain = {}
    for name, t in sheets.items():
        cols = []
        for header, (kind, values) in t.columns.items():
            cols.append((header, kind, list(values)))
        plain[name] = cols
    out.write_bytes(pickle.dumps(plain))
    return sum(t.rows for t in sheets.values())


def rows_of(cols):
    import math

    import numpy as np

    def cell(kind, v):
        if kind == "date":
            return None if np.isnat(v) else v.astype("datetime64[D]").item()
        if isinstance(v, float) and math.isnan(v):
            return None
        return v

    return [
        [cell(k, v) for (_, k, _), v in zip(cols, r, strict=True)]
        for r in zip(*(c[2] for c in cols), strict=True)
    ]


def write(which: str, data: Path, target: Path) -> None:
    import importlib

    importlib.import_module(MODULES.get(which, which))  # imports are not the writer's time
    importlib.import_module("numpy")
    sheets = pickle.loads(data.read_bytes())
    t0 = time.perf_counter()
    if which == "workreport":
        from workreport.xlsxwrite import Column, Table, workbook_bytes

        target.write_bytes(
            workbook_bytes(
                [Table(n, [], [Column(h, v, k) for h, k, v in c]) for n, c in sheets.items()]
            )
        )
    elif which == "openpyxl":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for n, cols in sheets.items():
            ws = wb.create_sheet(n)
            ws.append([h for h, _, _ in cols])
            for r in rows_of(cols):
                ws.append(r)
        wb.save(target)
    elif which == "xlsxwriter":
        import xlsxwriter

        wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        for n, cols in sheets.items():
            ws = wb.add_worksheet(n)
            ws.write_row(0, 0, [h for h, _, _ in cols])
            for i, r in enumerate(rows_of(cols), 1):
                for j, v in enumerate(r):
                    if v is None:
                        continue
                    if isinstance(v, str):
                        ws.write_string(i, j, v)
                    elif cols[j][1] == "date":
                        ws.write_datetime(i, j, v, date)
                    else:
                        ws.write_number(i, j, v)
        wb.close()
    elif which == "pyexcelerate":
        from pyexcelerate import Workbook

        wb = Workbook()
        for n, cols in sheets.items():
            wb.new_sheet(n, data=[[h for h, _, _ in cols], *rows_of(cols)])
        wb.save(str(target))
    elif which == "rustpy_xlsxwriter":
        from rustpy_xlsxwriter import FastExcel

        f = FastExcel(str(target))
        for n, cols in sheets.items():
            headers = [h for h, _, _ in cols]
            f.sheet(n, [dict(zip(headers, r, strict=True)) for r in rows_of(cols)])
        f.save()
    elif which == "rvgsrust":
        import rvgsrust_xlsxwriter as rv

        wb = rv.Workbook(str(target))
        for n, cols in sheets.items():
            ws = wb.add_worksheet(n, constant_memory=True)
            ws.write_rows(0, 0, [[h for h, _, _ in cols], *rows_of(cols)])
        wb.close()
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{wall:.3f} {peak:.0f}")


def installed(which: str) -> bool:
    import importlib.util

    module = {"workreport": "workreport.xlsxwrite", "rvgsrust": "rvgsrust_xlsxwriter"}.get(
        which, which
    )
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--period", default="2022")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", help="comma list of " + ", ".join(WRITERS))
    ap.add_argument("--_write", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._write:
        write(a._write[0], Path(a._write[1]), Path(a._write[2]))
        return 0
    writers = [w for w in (a.only.split(",") if a.only else WRITERS) if installed(w)]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "tables.pickle"
        n = tables(a.folder, a.period, data)
        print(f"{n:,} rows to write; writers: {', '.join(writers)}")
        times: dict[str, list[float]] = {w: [] for w in writers}
        peaks: dict[str, float] = dict.fromkeys(writers, 0.0)
        for _ in range(a.repeat):
            for w in writers:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        str(a.folder),
                        "--_write",
                        w,
                        str(data),
                        f"{tmp}/{w}.xlsx",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                times[w].append(float(out[0]))
                peaks[w] = max(peaks[w], float(out[1]))
        print(f"{'writer':<20} {'median s':>9} {'min s':>7} {'peak RSS MB':>12}")
        for w in writers:
            print(
                f"{w:<20} {statistics.median(times[w]):9.2f} {min(times[w]):7.2f} {peaks[w]:12.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
