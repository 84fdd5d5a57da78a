"""Soak: memory over long runs, reported at 10%, 50% and 100% of each run.

    python benchmarks/soak.py                      # 1,000,000 steps, then 50 window passes
    python benchmarks/soak.py --steps 100000 --passes 20

- engine: the stepper over Mazur's 2-2-2 network, stepped ``--steps``
  times with tracemalloc on from the start; at the end its parameters are
  checked against plain SGD run for as many updates;
- window: [784, 64, 10] in the window a user starts (``realwin``, a real X
  server), ``--passes`` passes, each End then Right into the next pass.

Each reports the process's RSS and the memory tracemalloc sees in use at
10%, 50% and 100% of the run.  "Flat": from 50% to 100% both grow by less
than 1% (``FLAT``).  ``results()`` and ``window_soak()`` return the rows.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from visualnn.engine import DenseModel, Stepper, compile_layered, make_optimizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from nets import mazur_model  # noqa: E402  (the networks tests and benchmarks share)

FLAT = 0.01                     # "flat": the last half of a run grows memory by less than 1%


def mazur():
    """The lecture's 2-2-2 network as examples/mazur_2_2_2.json declares it: (spec, params, sample)."""
    m = mazur_model()
    return m.spec, m.params, m.samples()[0]


def rss_mb() -> float:
    """Resident set size in MB (Linux /proc; elsewhere the peak from resource)."""
    try:
        with open("/proc/self/statm") as f:
            import os
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        try:
            import resource
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return peak / (2**20 if sys.platform == "darwin" else 2**10)
        except ImportError:
            return float("nan")


def blocks() -> int:
    gc.collect()
    return sys.getallocatedblocks()


def _mark(label: str, rss: list, traced: list):
    gc.collect()
    rss.append(rss_mb())
    traced.append(tracemalloc.get_traced_memory()[0] / 2**20)


def _flat(xs: list) -> bool:
    """The last half (50% -> 100% of the run) grows by less than 1%."""
    return xs[2] <= xs[1] * (1 + FLAT)


def _memory_row(what: str, rss: list, traced: list, extra: str = "", ok: bool = True) -> dict:
    flat = _flat(rss) and _flat(traced)
    return {"what": what, "rss_mb": rss, "traced_mb": traced, "flat": flat, "ok": ok and flat,
            "figure": (f"RSS {rss[0]:.0f} / {rss[1]:.0f} / {rss[2]:.0f} MB, tracemalloc {traced[0]:.2f} / "
                       f"{traced[1]:.2f} / {traced[2]:.2f} MB at 10/50/100%{extra}")}


def results(steps: int = 1_000_000, every: int = 100_000, out=print) -> list[dict]:
    """The engine soak (Mazur, ``steps`` steps) and, unless ``window_passes`` is 0 in
    ``window_soak``, the [784,64,10] window soak."""
    spec, params, sample = mazur()
    g = compile_layered(spec)
    st = Stepper(g, params, [sample], optimizer="sgd", lr=0.5)
    tracemalloc.start()
    t0 = time.perf_counter()
    rss, traced = [], []
    marks = [steps // 10, steps // 2, steps]
    out(f"stepper soak, Mazur 2-2-2, cycle = {st.cycle_length} steps, {steps:,} steps, tracemalloc on")
    for m in marks:
        while st.position < m:
            st.step()
        _mark(f"{m:,}", rss, traced)
        out(f"  {st.position:9,} steps  RSS {rss[-1]:7.1f} MB  tracemalloc {traced[-1]:8.3f} MB")
    total = time.perf_counter() - t0
    tracemalloc.stop()
    # the numbers are still exact after all those cycles
    cycles = st.position // st.cycle_length
    names = g.param_names
    dm = DenseModel(spec, names)
    X = np.array([[sample["i1"], sample["i2"]]])
    T = np.array([[sample["target_o1"], sample["target_o2"]]])
    opt = make_optimizer("sgd", 0.5)
    theta = dm.theta(params)
    for _ in range(cycles):
        theta = opt.step(theta, dm.gradient(theta, X, T)[1])
    got = np.array([st.state().params[n] for n in names])
    exact = bool(np.allclose(got, theta, rtol=1e-9, atol=0))
    row = _memory_row(f"engine soak: Stepper on 2-2-2, {steps:,} steps ({cycles:,} passes)", rss, traced,
                      f"; {total / steps * 1e6:.0f} µs/step with tracemalloc; parameters exact: "
                      f"{'yes' if exact else 'NO'}", exact)
    out(f"  {row['figure']}  {'PASS' if row['ok'] else 'MISS'}")
    return [row]


def window_soak(passes: int = 50, out=print) -> list[dict]:
    """[784,64,10] in the window a user starts: ``passes`` passes (End, then Right into
    the next), RSS and tracemalloc at 10/50/100%."""
    import realwin
    from PySide6.QtCore import Qt
    from view import layered_model
    win = realwin.open_window(model=layered_model([784, 64, 10]))
    tracemalloc.start()
    rss, traced = [], []
    marks = [max(1, passes // 10), max(2, passes // 2), passes]
    t0 = time.perf_counter()
    for p in range(1, passes + 1):
        realwin.press(win, Qt.Key_End)
        realwin.press(win, Qt.Key_Right)
        if p in marks:
            _mark(str(p), rss, traced)
            out(f"  pass {p:3d}  RSS {rss[-1]:7.1f} MB  tracemalloc {traced[-1]:8.2f} MB")
    total = time.perf_counter() - t0
    tracemalloc.stop()
    realwin.close(win)
    row = _memory_row(f"window soak: [784,64,10], {passes} passes (End, Right) in the window", rss, traced,
                      f"; {total / passes:.1f} s per pass with tracemalloc")
    row["conditions"] = realwin.conditions()
    return [row]


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description="the stepper soak, and the [784,64,10] window soak")
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--passes", type=int, default=50, help="window soak passes (0: none)")
    args = ap.parse_args(argv)
    rows = results(args.steps)
    if args.passes:
        rows += window_soak(args.passes)
    return rows


if __name__ == "__main__":
    main()
