"""Screenshots of every plot panel, for the docs.

    DISPLAY=:99 QT_QPA_PLATFORM=xcb python -m visualnn.ui.plots.screenshots docs/

Needs a display for the 3-D view (Xvfb and Mesa do); under offscreen the
3-D screenshot shows the fallback message instead.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

SIZE = (1100, 640)


def _wait(app, until, timeout=30.0):
    end = time.time() + timeout
    while not until() and time.time() < end:
        app.processEvents()
        time.sleep(0.005)
    for _ in range(10):
        app.processEvents()


def _example(name):
    from ...io import examples_dir, load
    path = examples_dir() / f"{name}.json"
    return load(path).model if path.exists() else None


def take(outdir: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv)

    outdir.mkdir(parents=True, exist_ok=True)
    saved = []
    keep = []                           # sessions stay alive until the app ends

    def save(widget, name):
        _wait(app, lambda: True)
        path = outdir / f"screenshot-{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    _activation(app, save, keep)
    _surface(app, save, keep)
    _oned(app, save)
    _training(app, save)
    return saved


def _activation(app, save, keep):
    """The stepper has just computed out_h1 of the 2-2-2 network, which is pushed into saturation."""
    from ..session import Session
    from .activation import ActivationPanel
    mazur = _example("mazur_2_2_2")
    session = Session(mazur.copy())
    keep.append(session)
    session.set_params({"w1": 100.0})
    panel = ActivationPanel(session)
    panel.resize(*SIZE)
    panel.show()
    while session.state.step is None or session.state.step.node != "out_h1":
        session.step()
    save(panel, "activation")
    panel.close()


def _surface(app, save, keep):
    """XOR after training, the loss over its two output weights, marbles from a corner; then a
    marble race on a teaching surface."""
    from ...engine.training import initial_params, train
    from ..session import Session
    from .surface import SurfacePanel
    xor = _example("xor")
    xor = train(xor, start=initial_params(xor, 0), seed=0).model
    session = Session(xor)
    keep.append(session)
    panel = SurfacePanel(session)
    panel.resize(*SIZE)
    panel.show()
    panel.set_pair("w5", "w6")
    panel.span.setValue(6.0)
    _wait(app, lambda: not panel.busy)
    c = panel.surface.center
    panel._on_map_clicked(c[0] - 5.0, c[1] + 4.0)
    panel.marble.interval.setValue(0)
    panel.marble.steps.setValue(80)
    for name, lr in (("sgd", 2.0), ("momentum", 1.0), ("nesterov", 1.0), ("rmsprop", 0.1), ("adam", 0.3)):
        panel.marble.rows[name][1].setValue(lr)
    panel.roll()
    _wait(app, lambda: not panel.busy)
    save(panel, "surface")
    panel.tabs.setCurrentIndex(1)
    _wait(app, lambda: True)
    save(panel, "surface3d")

    panel.set_source("rosenbrock")
    panel.marble.steps.setValue(400)
    panel.roll()
    panel.tabs.setCurrentIndex(0)
    save(panel, "marble")
    panel.close()


def _oned(app, save):
    """1-D: tea temperature."""
    from ...io import examples_dir, load
    from ..session import Session
    tea = load(examples_dir() / "tea_temperature.json") if (examples_dir() / "tea_temperature.json").exists() \
        else None
    try:
        from . import oned  # noqa: F401
    except ImportError:
        tea = None
    if tea is not None:
        from .oned import OneDPanel
        panel = OneDPanel(Session(document=tea))
        panel.resize(*SIZE)
        panel.show()
        _wait(app, lambda: not panel.busy)
        panel.run_search()
        panel.interval.setValue(0)
        panel.steps.setValue(8)
        panel.roll()
        _wait(app, lambda: not panel.busy)
        save(panel, "oned")
        panel.close()


def _training(app, save):
    """Spiral (or XOR) with the decision boundary."""
    from ..session import Session
    from .training import TrainingPanel
    model = _example("spiral") or _example("xor")
    panel = TrainingPanel(Session(model))
    panel.resize(*SIZE)
    panel.show()
    if model.title.lower().startswith("xor"):
        panel.seed.setValue(0)          # the file's seed 1 starts XOR in a poor local minimum
        panel.reset()
    panel.epochs.setValue(min(model.training.epochs, 3000))
    panel.play()
    _wait(app, lambda: panel.state != "running", timeout=120)
    save(panel, "training")
    panel.close()


if __name__ == "__main__":
    for p in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(p)
