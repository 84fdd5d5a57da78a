"""Soak: the stepper over Mazur's 2-2-2 network, stepped 1,000,000 times.

    python benchmarks/soak.py                 # 1,000,000 steps (several minutes)
    python benchmarks/soak.py --steps 200000

Prints, every ``--every`` steps, the time per step and the memory in use:
Python memory blocks (``sys.getallocatedblocks``), the process's resident
size, and, over a window of steps near the start and again at the end,
the bytes that tracemalloc sees allocated in that window and still alive
(a flat stepper keeps at most a bounded cache: the two windows agree and
stay small).  At the end the stepper's parameters are checked against plain
SGD run for as many updates.  ``results()`` returns the rows as dicts.

Targets: after a 10,000-step warm-up, memory blocks grow by fewer than
20,000 and the last window retains under 1 MB.
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

WARMUP = 10_000
WINDOW = 5_000
BLOCK_GROWTH = 20_000
WINDOW_BYTES = 1 << 20


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


def traced_window(st: Stepper, n: int) -> int:
    """Bytes allocated during the next ``n`` steps and still alive after them."""
    gc.collect()
    tracemalloc.start()
    for _ in range(n):
        st.step()
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return kept


def results(steps: int = 1_000_000, every: int = 100_000, out=print) -> list[dict]:
    spec, params, sample = mazur()
    g = compile_layered(spec)
    st = Stepper(g, params, [sample], optimizer="sgd", lr=0.5)
    t0 = time.perf_counter()
    for _ in range(WARMUP):
        st.step()
    first_window = traced_window(st, WINDOW)
    b0, r0 = blocks(), rss_mb()
    out(f"stepper soak, Mazur 2-2-2, cycle = {st.cycle_length} steps; warm-up {WARMUP:,} steps, "
        f"tracemalloc window {WINDOW:,} steps")
    out(f"  {'steps':>9} {'us/step':>9} {'blocks':>10} {'RSS MB':>8}")
    out(f"  {st.position:9,} {'':>9} {b0:10,} {r0:8.1f}")
    last_t, last_p = time.perf_counter(), st.position
    per_step = []
    while st.position < steps - WINDOW:
        stop = min(steps - WINDOW, (st.position // every + 1) * every)
        while st.position < stop:
            st.step()
        now = time.perf_counter()
        us = (now - last_t) / max(1, st.position - last_p) * 1e6
        per_step.append(us)
        out(f"  {st.position:9,} {us:9.1f} {blocks():10,} {rss_mb():8.1f}")
        last_t, last_p = time.perf_counter(), st.position
    last_window = traced_window(st, steps - st.position)
    b1, r1 = blocks(), rss_mb()
    total = time.perf_counter() - t0
    out(f"  {st.position:9,} {'':>9} {b1:10,} {r1:8.1f}")

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

    growth = b1 - b0
    row = {"what": f"stepper soak, {st.position:,} steps ({cycles:,} cycles)", "seconds": total,
           "us_per_step": float(np.median(per_step)) if per_step else float("nan"),
           "blocks_growth": growth, "rss_growth_mb": r1 - r0,
           "first_window_kb": first_window / 1024, "last_window_kb": last_window / 1024,
           "exact": exact, "ok": growth < BLOCK_GROWTH and last_window < WINDOW_BYTES and exact}
    out(f"  {total:.1f} s in all; median {row['us_per_step']:.1f} us per step")
    out(f"  memory blocks grew by {growth:,} after the warm-up (target < {BLOCK_GROWTH:,}); "
        f"RSS grew by {row['rss_growth_mb']:.1f} MB")
    out(f"  tracemalloc: a {WINDOW:,}-step window keeps {row['first_window_kb']:.0f} KB near the start, "
        f"{row['last_window_kb']:.0f} KB at the end (target < {WINDOW_BYTES >> 10} KB)")
    out(f"  parameters after {cycles:,} updates equal plain SGD's: {'yes' if exact else 'NO'}")
    out(f"  {'PASS' if row['ok'] else 'MISS'}")
    return [row]


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description="the 1,000,000-step stepper soak")
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--every", type=int, default=100_000, help="print a line every this many steps")
    args = ap.parse_args(argv)
    if args.steps < WARMUP + 2 * WINDOW:
        ap.error(f"--steps must be at least {WARMUP + 2 * WINDOW:,}")
    return results(args.steps, args.every)


if __name__ == "__main__":
    main()
