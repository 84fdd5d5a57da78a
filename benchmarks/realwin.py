"""The app a user starts, measured on a real X server.

Shared by ``view.py``, ``scale.py``, ``launch.py`` and ``soak.py``:

- ``ensure_display()``: the X display to use: ``$DISPLAY`` when there is
  one, else an Xvfb (with GLX, so the 3-D view's OpenGL works) started here
  and stopped at exit.  Qt runs on ``xcb``, never ``offscreen``.
- ``open_window(model)``: ``MainWindow`` as shipped (graph, equations,
  inspector, toolbar, the plot panels docked and closed as on first launch),
  at its default size on the screen, shown and painted.
- ``press(window, key)``: ms from a key press to the end of the repaint it
  causes: the key goes through Qt's shortcut map (``QTest.keyClick``), then
  events are processed until the graph's viewport has painted and nothing
  is left to do.
- ``stats(ms)``: median and p90 (never a minimum).
"""
from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "tests")):
    if p not in sys.path:
        sys.path.insert(0, p)

_XVFB: list = []


def ensure_display() -> str:
    """Point Qt at a real X server (starting Xvfb when there is none); returns its name."""
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if os.environ.get("DISPLAY"):
        return os.environ["DISPLAY"]
    if not shutil.which("Xvfb"):
        raise RuntimeError("no DISPLAY and no Xvfb: install xvfb (apt-get install xvfb) or run under X")
    for n in range(150, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp",
                             "+extension", "GLX"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _XVFB.append(proc)
    atexit.register(proc.terminate)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{n}"
    return os.environ["DISPLAY"]


def conditions() -> str:
    """What every timed row ran under."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    started = " (Xvfb started by the benchmark)" if _XVFB else ""
    return (f"MainWindow as shipped on X {os.environ.get('DISPLAY')}{started}, Qt xcb, Mesa GL, "
            f"{_window_size()}; load average {load:.1f}; "
            f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}")


_SIZE: list = []


def _window_size() -> str:
    return f"window {_SIZE[-1][0]}×{_SIZE[-1][1]}" if _SIZE else "window at its default size"


def app():
    ensure_display()
    from PySide6.QtWidgets import QApplication
    a = QApplication.instance()
    if a is None:
        a = QApplication([])
        a.setStyle("Fusion")
    return a


class _Paints:
    """Counts the paint events of a widget."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            count = 0

            def eventFilter(self, obj, ev):
                if ev.type() == QEvent.Paint:
                    Filter.count += 1
                return False
        self.filter = Filter()
        widget.installEventFilter(self.filter)

    @property
    def count(self) -> int:
        return type(self.filter).count


def open_window(model=None, path=None):
    """The window a user gets: ``visualnn FILE`` (``path``) or a model shown in it."""
    a = app()
    from PySide6.QtCore import QSettings

    from visualnn.ui.main_window import MainWindow
    tmp = tempfile.mkdtemp()
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tmp)
    win = MainWindow(settings=QSettings(str(Path(tmp) / "bench.ini"), QSettings.IniFormat))
    if path is not None:
        win.open_file(str(path))
    else:
        win.show_model(model)
    win.show()
    win.activateWindow()
    win.view.setFocus()
    win._paints = _Paints(win.view.viewport())
    end = time.perf_counter() + 30
    while win._paints.count == 0 and time.perf_counter() < end:
        a.processEvents()
    settle(win)
    _SIZE.append((win.width(), win.height()))
    return win


def settle(win, seconds: float = 0.0):
    """Run events until the window is idle (edges of a big graph drawn in slices included)."""
    a = app()
    end = time.perf_counter() + seconds
    while True:
        a.processEvents()
        if not getattr(win.view, "edges_pending", False) and time.perf_counter() >= end:
            break
    a.processEvents()


def press(win, key) -> float:
    """ms from pressing ``key`` (a Qt.Key) to the end of the repaint it causes."""
    from PySide6.QtTest import QTest
    a = app()
    before = win._paints.count
    t0 = time.perf_counter()
    QTest.keyClick(win.view, key)
    end = t0 + 60
    while win._paints.count == before and time.perf_counter() < end:
        a.processEvents()
    a.processEvents()
    return (time.perf_counter() - t0) * 1000


def close(win):
    win.session.mark_saved()
    win.close()
    win.deleteLater()
    app().processEvents()


def stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return {"median_ms": statistics.median(ms), "p90_ms": p90, "n": len(ms)}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def report(rows: list[dict]) -> int:
    """Print the rows (median, p90, n, target, PASS/MISS); 0 when no target is missed."""
    print(next((r["conditions"] for r in rows if "conditions" in r), ""))
    print(f"{'what':<78}{'median':>9}{'p90':>9}{'n':>5}{'target':>14}")
    for r in rows:
        if "median_ms" not in r:
            ms = r.get("ms")
            fig = r.get("figure") or ("" if ms is None else f"{ms:9.1f}")
            verdict = "" if "ok" not in r else ("PASS" if r["ok"] else "MISS")
            print(f"{r['what']:<78}{fig:>9}{r.get('target', ''):>28}  {verdict}")
            continue
        target = ""
        if r.get("target_ms") is not None:
            target = f"≤{r['target_ms']:.1f}" + (f"/p90≤{r['target_p90_ms']:.0f}" if r.get("target_p90_ms") else "")
        verdict = "" if "ok" not in r else ("PASS" if r["ok"] else "MISS")
        print(f"{r['what']:<78}{r['median_ms']:9.1f}{r['p90_ms']:9.1f}{r['n']:5d}{target:>14}  {verdict}")
    return 0 if all(r.get("ok", True) for r in rows) else 1
