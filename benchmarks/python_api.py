"""Speed of the Python API against micrograd: micrograd's training loop, written both ways.

    python benchmarks/python_api.py [SAMPLES]

micrograd's README demo (an MLP([2, 16, 16, 1]) with the same seeded weights, the
SVM max-margin loss over SAMPLES points, default 100): the time to build the
loss expression and the time of ``backward()``, each as the median and the 90th
percentile of 7 runs.  visualnn's ``backward()`` records the whole trace the
window would step through (every forward and backward step), micrograd's only
fills in the gradients.  Target: one full training step (expression and
backward) no slower than micrograd's.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import visualnn as vn  # noqa: E402

RUNS = 7


def points(n: int):
    rng = random.Random(0)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return xs, [1.0 if x * x + y * y < 0.5 else -1.0 for x, y in xs]


def timings(make_net, zero, n: int) -> tuple[list[float], list[float]]:
    xs, ys = points(n)
    random.seed(1337)
    net = make_net()
    build, back = [], []
    for _ in range(RUNS):
        t = time.perf_counter()
        loss = sum(((1 + -y * net(x)).relu() for x, y in zip(xs, ys)), zero()) * (1.0 / n)
        t1 = time.perf_counter()
        net.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        build.append(t1 - t)
        back.append(t2 - t1)
    return build, back


def p90(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.9 * len(xs)) - 1)]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rows = [("visualnn", *timings(lambda: vn.MLP([2, 16, 16, 1]), lambda: vn.Value(0.0, kind="const"), n))]
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
        rows.append(("micrograd", *timings(lambda: MLP(2, [16, 16, 1]), lambda: Value(0.0), n)))
    except ImportError:
        print("micrograd is not installed (pip install 'visualnn[bench]'): visualnn alone")
    print(f"micrograd's training step, MLP([2, 16, 16, 1]), {n} samples, {RUNS} runs (seconds)")
    print(f"{'':<10} {'expression median':>18} {'p90':>7} {'backward median':>16} {'p90':>7} {'step median':>12}")
    steps = {}
    for name, build, back in rows:
        steps[name] = statistics.median(b + k for b, k in zip(build, back))
        print(f"{name:<10} {statistics.median(build):>18.3f} {p90(build):>7.3f} {statistics.median(back):>16.3f} "
              f"{p90(back):>7.3f} {steps[name]:>12.3f}")
    if "micrograd" in steps:
        ok = steps["visualnn"] <= steps["micrograd"]
        print(f"{'PASS' if ok else 'MISS'}: a full step {steps['visualnn'] / steps['micrograd']:.2f}x micrograd's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
