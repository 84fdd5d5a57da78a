"""Collisions and the smallest text on every exported frame of every bundled example.

    python benchmarks/legibility.py [--digits 1,4,9,12] [--sizes 1366x768,1920x1080] [EXAMPLE ...]

Exports every step of the first pass (the start frame included) as SVG, graph
alone and whole presentation screen, and measures each text from the SVG with
the font's metrics (``visualnn.ui.legibility``).  Prints one row per example,
size, view and digits: frames, colliding pairs, the smallest text in pixels.
Targets: 0 collisions, nothing below 12 px.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("examples", nargs="*")
    ap.add_argument("--digits", default="1,4,9,12")
    ap.add_argument("--sizes", default="1366x768,1920x1080")
    args = ap.parse_args(argv)
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841
    from visualnn.io import examples_dir, load
    from visualnn.ui.legibility import collisions, measure_example
    from visualnn.ui.session import Session
    names = args.examples or sorted(p.name for p in examples_dir().glob("*.json"))
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    digits = [int(d) for d in args.digits.split(",")]
    print(f"{'example':24} {'size':>9} {'view':6} {'digits':>6} {'frames':>6} {'collisions':>10} {'smallest px':>11}")
    total, worst, start = 0, float("inf"), time.perf_counter()
    for name in names:
        path = examples_dir() / name if not Path(name).exists() else Path(name)
        L = Session(document=load(path)).cycle_length
        for size in sizes:
            for view in ("graph", "window"):
                for d in digits:
                    frames = measure_example(path, size, view, d, f"0-{L}")
                    n = sum(len(collisions(t)) for _, t in frames)
                    small = min((x.px for _, t in frames for x in t), default=float("nan"))
                    total += n
                    worst = min(worst, small)
                    print(f"{path.name:24} {size[0]:>4}x{size[1]:<4} {view:6} {d:>6} {len(frames):>6} {n:>10} "
                          f"{small:>11.1f}", flush=True)
    print(f"all: {total} collisions, smallest text {worst:.1f} px ({time.perf_counter() - start:.0f} s)")
    return 0 if total == 0 and worst >= 12 else 1


if __name__ == "__main__":
    sys.exit(main())
