"""Speed of exporting: PNG frames at 1920x1080, the GIF of a backward pass, the tables.

    python benchmarks/export.py

Prints a table; ``results()`` returns the same rows for other scripts.
Targets: one 1920x1080 PNG frame of the 2-2-2 network (drawn offscreen, encoded,
written; frame k is encoded on a worker thread while frame k + 1 is drawn) under 250 ms
(median and p90 of the frames), so a whole pass of 19 frames takes a few seconds; the
960x540 GIF of its 9 backward steps under 3 s; the Markdown table of a pass in
well under 10 ms.  Ratios compare within the run: drawing a frame versus
encoding it, the whole-slide view versus the graph alone.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def median_of(fn, repeat=3):
    """The median of ``repeat`` runs (never the minimum: a figure a user can expect)."""
    times = []
    for _ in range(max(3, repeat)):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(statistics.median(times))


def _frame_times(run, repeat=2) -> list[float]:
    """Seconds between successive frames of ``run(progress)``, over ``repeat`` runs."""
    times: list[float] = []
    for _ in range(repeat):
        marks: list[float] = []
        run(lambda done, total, marks=marks: marks.append(time.perf_counter()) or True)
        times += [b - a for a, b in zip(marks, marks[1:])]
    return times


def _interleaved(a, b, repeat=9) -> tuple[float, float]:
    """Medians of ``a`` and ``b`` run alternately (a busy machine slows both alike)."""
    ta, tb = [], []
    for _ in range(repeat):
        for f, ts in ((a, ta), (b, tb)):
            t = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t)
    return float(statistics.median(ta)), float(statistics.median(tb))


def _p90(xs) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]


def results() -> list[dict]:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])   # noqa: F841 (kept alive for the run)
    from visualnn.engine.handout import handout_of
    from visualnn.io import examples_dir, load
    from visualnn.io.lecture import Slide
    from visualnn.ui import export as ex
    from visualnn.ui.session import Session

    doc = load(examples_dir() / "mazur_2_2_2.json")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for view in ("graph", "window"):
            session = Session(document=doc)
            L = session.cycle_length
            req = ex.Request("frames", tmp / f"f_{view}", view, (1920, 1080))
            per = _frame_times(lambda progress, s=session, q=req: ex.export(s, q, progress), repeat=2)
            rows.append({"what": f"PNG frames 1920x1080, view {view}: per frame ({L + 1} frames x 2), median",
                         "ms": 1000 * statistics.median(per), "target_ms": 250.0})
            rows.append({"what": "  p90", "ms": 1000 * _p90(per), "target_ms": 250.0})
        # where a frame's time goes: drawing versus PNG encoding and writing
        session = Session(document=doc)
        r = ex.FrameRenderer(session, ex.Deck([Slide(1, L)]), "window", (1920, 1080))
        img = r.image(12)
        t_draw = median_of(lambda: r.image(12), repeat=5)
        t_png, t_png6 = _interleaved(lambda: ex.write_png(img, tmp / "one.png"),
                                     lambda: img.save(str(tmp / "six.png"), "PNG"), repeat=9)
        r.close()
        rows.append({"what": "  of which drawing the slide offscreen", "ms": 1000 * t_draw})
        rows.append({"what": "  of which PNG encoding and writing (zlib level 1)", "ms": 1000 * t_png,
                     "ratio": t_png / t_draw, "size_kb": (tmp / "one.png").stat().st_size / 1024})
        rows.append({"what": "  the same at Qt's default level 6 (not used)", "ms": 1000 * t_png6,
                     "ratio": t_png6 / t_png, "size_kb": (tmp / "six.png").stat().st_size / 1024})
        session = Session(document=doc)
        t_gif = median_of(lambda: ex.export(session, ex.Request("gif", tmp / "b.gif", "window", (960, 540),
                                                              slides=[Slide(10, 18)])), repeat=2)
        rows.append({"what": "GIF of the backward pass (9 frames, 960x540, window)", "ms": 1000 * t_gif,
                     "target_ms": 3000.0, "size_kb": (tmp / "b.gif").stat().st_size / 1024})
        if ex.video_available():
            t_mp4 = median_of(lambda: ex.export(session, ex.Request("mp4", tmp / "b.mp4", "window", (960, 540),
                                                                  slides=[Slide(10, 18)])), repeat=1)
            rows.append({"what": "MP4 of the backward pass (9 steps, 960x540)", "ms": 1000 * t_mp4,
                         "ratio": t_mp4 / t_gif, "size_kb": (tmp / "b.mp4").stat().st_size / 1024})
        st = session.stepper
        t_md = median_of(lambda: handout_of(st).markdown(), repeat=20)
        t_csv = median_of(lambda: handout_of(st).csv(), repeat=20)
        t_tex = median_of(lambda: handout_of(st).latex(), repeat=20)
        rows.append({"what": "Markdown table of a whole pass", "ms": 1000 * t_md, "target_ms": 10.0})
        rows.append({"what": "CSV table of a whole pass", "ms": 1000 * t_csv, "ratio": t_csv / t_md})
        rows.append({"what": "LaTeX table of a whole pass", "ms": 1000 * t_tex, "ratio": t_tex / t_md})
    return rows


def main():
    rows = results()
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'benchmark':<62} {'ms':>9} {'target':>8} {'ratio':>7} {'KB':>7}")
    for r in rows:
        target = f"<{r['target_ms']:.0f}" if "target_ms" in r else ""
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else ""
        kb = f"{r['size_kb']:.0f}" if "size_kb" in r else ""
        print(f"{r['what']:<62} {r['ms']:9.2f} {target:>8} {ratio:>7} {kb:>7}")
    return rows


if __name__ == "__main__":
    main()
