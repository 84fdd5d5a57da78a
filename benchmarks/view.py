"""Key press to repainted window, in the app a user starts.

    python benchmarks/view.py        # uses $DISPLAY, or starts Xvfb (with GLX) when there is none

``MainWindow`` as shipped (graph, equations, inspector, toolbar; the plot
panels docked and closed as on first launch) on a real X server (xcb), at
its default size.  Every figure is from a key press (``QTest.keyClick``,
through Qt's shortcuts, as a user's key) to the end of the repaint it
causes (``realwin.press``).  Reported: median and p90, never a minimum.

- Right, steady: at least 20 steps inside passes already entered (the first
  pass is warm-up, reported apart); the first step of each new pass is not
  among them: it is a cold path of its own.
- Cold paths, each timed the first time it happens: the first step of a
  new pass (the pass recorded then), Left after stepping, Left after End
  (rebuilt from a snapshot), End from the middle of a pass never ended,
  Home from a later pass.

- Weight push (2-2-2): what live training sends the window, every parameter
  moved a little (``Session.set_params``), to the end of the repaint, at the
  step shown; the graph redraws numbers, colours and labels, and lays the
  labels out again only when one needs more room.

Targets (issue 10): Right 2-2-2 and [64,64,64,10] median ≤ 16.7 ms (one
60 Hz frame), 2-2-2 p90 ≤ 25 ms; a weight push within one frame.  ``results()`` returns the rows;
``scale.py`` uses ``measure`` for [784,64,10].
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realwin  # noqa: E402

FRAME_MS = 1000 / 60
RSS_TARGET_MB = 200.0
MIN_STEPS = 20
COLD_PASSES = 3
PUSHES = 30


def layered_model(sizes, seed=0):
    """A fully connected sigmoid network of ``sizes`` with a seeded random start and one random sample."""
    from nets import mlp_model
    return mlp_model(sizes, random_seed=seed, samples=1, title="-".join(map(str, sizes)), learning_rate=0.5)


def measure(win, steady_steps: int = MIN_STEPS, cold_passes: int = COLD_PASSES) -> dict:
    """Every timing of one window: {name: [ms, ...]}."""
    from PySide6.QtCore import Qt
    s = win.session
    L = s.cycle_length
    out: dict[str, list[float]] = {"first pass (warm-up)": [], "Right": [], "first step of a new pass": [],
                                   "Left after stepping": [], "Left after End": [], "End (cold)": [],
                                   "Home (from a later pass)": []}
    for _ in range(L):                                   # pass 1: warm-up
        out["first pass (warm-up)"].append(realwin.press(win, Qt.Key_Right))
    passes = 0
    while len(out["Right"]) < steady_steps or passes < cold_passes:
        passes += 1
        out["first step of a new pass"].append(realwin.press(win, Qt.Key_Right))     # into a new pass
        half = max(1, min(L // 2, steady_steps))
        for _ in range(half - 1):
            out["Right"].append(realwin.press(win, Qt.Key_Right))
        out["Left after stepping"].append(realwin.press(win, Qt.Key_Left))
        out["Right"].append(realwin.press(win, Qt.Key_Right))
        out["End (cold)"].append(realwin.press(win, Qt.Key_End))
        out["Left after End"].append(realwin.press(win, Qt.Key_Left))
        out["Right"].append(realwin.press(win, Qt.Key_Right))                        # the update again
        if s.position % L:
            realwin.press(win, Qt.Key_End)
    end = s.position
    out["Home (from a later pass)"].append(realwin.press(win, Qt.Key_Home))
    s.seek(end)                                          # back to where it was, for whoever goes on
    realwin.settle(win)
    return out


def measure_pushes(win, pushes: int = PUSHES) -> list[float]:
    """ms from each of ``pushes`` weight pushes (every parameter moved by a seeded
    random 0.01) to the end of the repaint it causes."""
    import random
    import time
    a = realwin.app()
    s = win.session
    rng = random.Random(0)
    params = dict(s.state.params)
    out = []
    for _ in range(pushes):
        params = {k: v + rng.gauss(0.0, 0.01) for k, v in params.items()}
        before = win._paints.count
        t0 = time.perf_counter()
        s.set_params(params, merge="benchmark")
        while win._paints.count == before and time.perf_counter() < t0 + 60:
            a.processEvents()
        a.processEvents()
        out.append((time.perf_counter() - t0) * 1000)
    return out


ROWS = [("Right", "Right → repainted (steady)"), ("first step of a new pass", "first step of a new pass (cold)"),
        ("Left after stepping", "Left after stepping (cold)"), ("Left after End", "Left after End (cold)"),
        ("End (cold)", "End from mid-pass (cold)"), ("Home (from a later pass)", "Home from a later pass (cold)"),
        ("first pass (warm-up)", "Right, first pass (warm-up)")]


def rows_for(label: str, edges: int, timings: dict, targets: dict) -> list[dict]:
    rows = []
    for key, what in ROWS:
        ms = timings.get(key) or []
        if not ms:
            continue
        r = {"what": f"{label}, {edges:,} edges: {what}", **realwin.stats(ms)}
        t = targets.get(key)
        if t is not None:
            r["target_ms"], r["target_p90_ms"] = t if isinstance(t, tuple) else (t, None)
            r["ok"] = r["median_ms"] <= r["target_ms"] and (r["target_p90_ms"] is None
                                                           or r["p90_ms"] <= r["target_p90_ms"])
        rows.append(r)
    return rows


def results() -> list[dict]:
    realwin.ensure_display()
    from visualnn.io import examples_dir
    rows = []
    for label, kw, targets in (
            ("2-2-2 (examples/mazur_2_2_2.json)", {"path": examples_dir() / "mazur_2_2_2.json"},
             {"Right": (FRAME_MS, 25.0)}),
            ("[64,64,64,10]", {"model": None}, {"Right": (FRAME_MS, None)})):
        if "model" in kw:
            kw = {"model": layered_model([64, 64, 64, 10])}
        win = realwin.open_window(**kw)
        edges = sum(1 for _ in win.session.graph.edges())
        rows += rows_for(label, edges, measure(win), targets)
        if label.startswith("2-2-2"):
            r = {"what": f"{label}, {edges:,} edges: weight push (training) → repainted",
                 **realwin.stats(measure_pushes(win)), "target_ms": FRAME_MS, "target_p90_ms": None}
            r["ok"] = r["median_ms"] <= FRAME_MS
            rows.append(r)
        passes = win.session.position // win.session.cycle_length
        rss = realwin.rss_mb()
        row = {"what": f"{label}: resident memory (RSS) of the process after {passes} passes",
               "figure": f"{rss:.0f} MB"}
        if label.startswith("2-2-2"):
            row["target"], row["ok"] = f"≤ {RSS_TARGET_MB:.0f} MB", rss <= RSS_TARGET_MB
        rows.append(row)
        realwin.close(win)
    for r in rows:
        r["conditions"] = realwin.conditions()
    return rows


def main() -> int:
    return realwin.report(results())


if __name__ == "__main__":
    sys.exit(main())
