"""Hostile files are refused fast: the time and memory from opening a small file that
asks for huge work to its refusal with the documented limit (issue 16: within 2 s and
200 MB each), and the memory of a streamed GIF export.

    python benchmarks/hostile.py

Prints, per file, the median and p90 of the refusal time over repeated loads in one
process and the peak of Python allocations during one load (tracemalloc).
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "io"))

REPEAT = 7
TARGET_MS = 2000.0


def _refusal(path: Path) -> tuple[list[float], float]:
    from visualnn.io import FileFormatError, load
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        try:
            load(path)
        except FileFormatError:
            pass
        else:
            raise AssertionError(f"{path.name} was not refused")
        times.append(1000 * (time.perf_counter() - t))
    tracemalloc.start()
    try:
        load(path)
    except FileFormatError:
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    return times, peak


def _gif_rss(tmp: Path, steps: str, size: str) -> float:
    """Peak resident memory (MB) of ``visualnn export`` writing a GIF, in its own process."""
    code = ("import resource, sys; from visualnn.cli import main; "
            f"rc = main(['export', {str(ROOT / 'examples' / 'mazur_2_2_2.json')!r}, '--out', {str(tmp / 'x.gif')!r}, "
            f"'--steps', {steps!r}, '--size', {size!r}]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=900)
    if r.returncode:
        raise RuntimeError(r.stderr[-500:])
    return float(r.stdout.strip().splitlines()[-1])


def results() -> list[dict]:
    from test_limits import HOSTILE          # the files the tests refuse, made the same way
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, (make, _) in HOSTILE.items():
            path = tmp / f"{name}.json"
            path.write_text(make(), encoding="utf-8")
            times, peak = _refusal(path)
            p90 = statistics.quantiles(times, n=10)[-1]
            kb = path.stat().st_size / 1024
            rows.append({"what": f"refuse {name} ({kb:,.1f} KB file): p90 {p90:,.0f} ms, peak {peak:,.0f} MB",
                         "ms": statistics.median(times), "target_ms": TARGET_MS})
        small, big = _gif_rss(tmp, "1-19", "960x540"), _gif_rss(tmp, "1-190", "960x540")
        rows.append({"what": f"streamed GIF export, peak RSS: 19 frames {small:,.0f} MB, 190 frames {big:,.0f} MB "
                             f"(960x540)", "ms": None})
    return rows


def main():
    rows = results()
    for r in rows:
        ms = f"{r['ms']:9.1f} ms" if r["ms"] is not None else ""
        target = f"  (target < {r['target_ms']:.0f} ms)" if r.get("target_ms") else ""
        print(f"{r['what']:<100} {ms}{target}")
    return rows


if __name__ == "__main__":
    main()
