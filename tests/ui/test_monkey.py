"""Monkey tests: the real stepper window under thousands of seeded random actions.

Keys (every stepper key, F2, F5/Esc, B, undo/redo, digits, letters), mouse
clicks, double-clicks, wheel turns and drags on the graph (on nodes, on
edges, anywhere), toolbar and menu actions, every control of every panel,
opening every example and broken files, saving, exporting, training and
presenting.  Modal dialogs are replaced by stand-ins that answer at once,
at random, with valid and invalid answers.

A test fails on any exception (raised by an action or inside a Qt virtual
or slot, which Qt would only print: pytest-qt's ``capture_exceptions``), on
any Qt warning, critical or fatal message outside the short allow-list below
(pytest-qt's ``qtlog``, filled by its ``qInstallMessageHandler``), on one
action blocking the window for ``VISUALNN_MONKEY_FREEZE_S`` seconds (30), and
when the window's state stops adding up (the graph drawn is not the
session's, the state shown is not the stepper's).  The failure names the seed
and shows the last actions.  A crash (a signal) ends the run: every action is
written, as it happens, to a log file whose path and seed are printed on
stderr at the start (``VISUALNN_MONKEY_LOG_DIR`` keeps it somewhere).

    VISUALNN_MONKEY_ACTIONS=20000 pytest tests/ui/test_monkey.py   # longer runs (CI)
    VISUALNN_MONKEY_SEED=123 ...                                    # another seed

The same seed makes the same choices; what the training thread and the
timers have done by the time of an action can differ from run to run.
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import time
import traceback
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QtMsgType
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QDialog,
                               QDoubleSpinBox, QFileDialog, QInputDialog, QMessageBox, QSlider, QSpinBox,
                               QWidget)

ACTIONS = int(os.environ.get("VISUALNN_MONKEY_ACTIONS", "2000"))
SEED = int(os.environ.get("VISUALNN_MONKEY_SEED", "20240607"))
LOG_TAIL = 40
SPIN_CAP = 2000          # the largest number typed into a spin box (see poke_widget)
FREEZE_S = float(os.environ.get("VISUALNN_MONKEY_FREEZE_S", "30"))   # one action this long: the window froze

# Qt messages that say nothing about the app's state:
ALLOWED_MESSAGES = (
    # The offscreen platform plugin (the tests' headless display) cannot apply a top-level
    # window's size hints and says so for every new top-level window (the presentation, a
    # floated dock); a real platform plugin applies them.  Platform-specific, harmless.
    "This plugin does not support propagateSizeHints()",
    # The offscreen plugin has no window manager: raising or activating a window only
    # records the request.
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
)

STEP_KEYS = [Qt.Key_Right, Qt.Key_Space, Qt.Key_PageDown, Qt.Key_Left, Qt.Key_PageUp, Qt.Key_Backspace,
             Qt.Key_Home, Qt.Key_End, Qt.Key_P, Qt.Key_Down, Qt.Key_Up, Qt.Key_Return]
OTHER_KEYS = [Qt.Key_F2, Qt.Key_F5, Qt.Key_Escape, Qt.Key_B, Qt.Key_Period, Qt.Key_Tab, Qt.Key_Delete,
              Qt.Key_Plus, Qt.Key_Minus]
CTRL_KEYS = [(Qt.Key_Z, Qt.ControlModifier), (Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier),
             (Qt.Key_Y, Qt.ControlModifier), (Qt.Key_1, Qt.ControlModifier), (Qt.Key_2, Qt.ControlModifier),
             (Qt.Key_0, Qt.ControlModifier), (Qt.Key_Plus, Qt.ControlModifier), (Qt.Key_Minus, Qt.ControlModifier),
             (Qt.Key_S, Qt.ControlModifier), (Qt.Key_O, Qt.ControlModifier), (Qt.Key_E, Qt.ControlModifier),
             (Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier)]
CHEAP_EXPORTS = ("png", "svg", "md", "csv", "tex", "frames", "gif")


class MonkeyFailure(Exception):
    pass


# -- files ---------------------------------------------------------------------------------------------
def broken_files(folder: Path) -> list[Path]:
    """Files the window must refuse with a message, keeping what it shows."""
    from visualnn.io import examples_dir
    folder.mkdir(parents=True, exist_ok=True)
    good = (examples_dir() / "mazur_2_2_2.json").read_text(encoding="utf-8")
    out = {}
    out["bad_json.json"] = good[: len(good) // 2]
    out["empty.json"] = ""
    out["not_an_object.json"] = "[1, 2, 3]"
    out["wrong_shape.json"] = good.replace('"weights": [["w1", "w2"], ["w3", "w4"]]', '"weights": [["w1"], ["w3", "w4"]]')
    out["unknown_activation.json"] = good.replace('"activation": "sigmoid"', '"activation": "sigmoidal"', 1)
    out["nan_weight.json"] = good.replace('"w1": 0.15', '"w1": NaN')
    out["string_weight.json"] = good.replace('"w1": 0.15', '"w1": "0.15"')
    out["huge_layer.json"] = (
        '{"format": "visualnn", "version": 1, "network": {"type": "layered", "inputs": 1000000, '
        '"layers": [{"neurons": 1000000, "activation": "sigmoid"}]}}')
    out["deep.json"] = "[" * 5000 + "]" * 5000
    out["future_version.json"] = good.replace('"version": 1', '"version": 99')
    paths = []
    for name, text in out.items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    p = folder / "latin1.json"
    p.write_bytes(good.replace("step by step", "étape").encode("latin-1", errors="replace"))
    paths.append(p)
    p = folder / "binary.json"
    p.write_bytes(bytes(range(256)) * 4)
    paths.append(p)
    d = folder / "a_folder.json"
    d.mkdir(exist_ok=True)
    paths.append(d)
    paths.append(folder / "missing.json")
    paths.append(folder / "no_such_folder" / "net.json")
    link = folder / "link.json"
    if not link.exists():
        link.symlink_to(examples_dir() / "xor.json")
    paths.append(link)
    return paths


@pytest.fixture(autouse=True)
def examples_copy(tmp_path, monkeypatch):
    """The examples the window offers are copies: the monkey saves whatever it has open
    (Ctrl+S), and must not write over the bundled files.  After the test the bundled
    files are checked to be untouched."""
    import hashlib
    from visualnn.io import examples_dir
    src = examples_dir()
    dst = tmp_path / "examples"
    shutil.copytree(src, dst)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(src.iterdir()) if p.is_file()}
    monkeypatch.setenv("VISUALNN_EXAMPLES", str(dst))
    assert examples_dir() == dst
    yield dst
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(src.iterdir()) if p.is_file()}
    assert after == before, "the bundled examples were written to"


# -- the dialogs' stand-ins ----------------------------------------------------------------------------
class Dialogs:
    """Answers every modal dialog at once, at random, and counts what was asked."""

    def __init__(self, rng: random.Random, files: list[Path], save_dir: Path):
        self.rng, self.files, self.save_dir = rng, files, save_dir
        self.asked: dict[str, int] = {}
        self.saves = 0
        self.note = lambda text: None       # the monkey's log

    def answer(self, kind, value):
        self.note(f"  {kind} dialog answers {value!r}")
        return value

    def _count(self, kind):
        self.asked[kind] = self.asked.get(kind, 0) + 1

    def message(self, kind, default):
        def show(parent, title, text, *args, **kwargs):
            self._count(kind)
            assert isinstance(text, str) and text.strip(), f"an empty {kind} message"
            return default
        return show

    def ask(self, parent, kind, title, text, *args, **kwargs):
        if kind == "question":
            return self.question(parent, title, text)
        return self.message(kind, QMessageBox.Ok)(parent, title, text)

    def question(self, parent, title, text, *args, **kwargs):
        self._count("question")
        return self.answer("question", self.rng.choice([QMessageBox.Save, QMessageBox.Discard, QMessageBox.Cancel,
                                                        QMessageBox.Yes, QMessageBox.No]))

    def open_name(self, *args, **kwargs):
        self._count("open")
        r = self.rng.random()
        if r < 0.15:
            return self.answer("open", ("", ""))
        return self.answer("open", (str(self.rng.choice(self.files)), ""))

    def save_name(self, *args, **kwargs):
        self._count("save as")
        r = self.rng.random()
        if r < 0.15:
            return self.answer("save", ("", ""))
        if r < 0.25:
            return self.answer("save", (str(self.save_dir), ""))                                 # a folder
        if r < 0.32:
            return self.answer("save", (str(self.save_dir / "no_such_folder" / "x.json"), ""))   # nowhere
        self.saves += 1
        name = self.rng.choice(["net", "net copy", "Netz ü", "a.b"]) + f"-{self.saves % 5}"
        ext = "" if self.rng.random() < 0.2 else ".json"
        return self.answer("save", (str(self.save_dir / (name + ext)), ""))

    def folder_name(self, *args, **kwargs):
        self._count("folder")
        if self.rng.random() < 0.2:
            return self.answer("folder", "")
        d = self.save_dir / f"frames{self.rng.randrange(3)}"
        d.mkdir(exist_ok=True)
        return self.answer("folder", str(d))

    def double(self, parent, title, label, value=0.0, *args, **kwargs):
        self._count("number")
        r = self.rng.random()
        if r < 0.15:
            return self.answer("number", (value, False))
        choices = [value, value + self.rng.uniform(-2, 2), 0.0, -1.0, 1e12, -1e12, 1e-300, 5e-324,
                   float("nan"), float("inf"), -float("inf"), self.rng.uniform(-10, 10)]
        return self.answer("number", (self.rng.choice(choices), True))

    def export_exec(self, dlg):
        self._count("export")
        if self.rng.random() < 0.3:
            self.answer("export", "cancel")
            return QDialog.Rejected
        fmts = [i for i in range(dlg.format.count()) if dlg.format.itemData(i) in CHEAP_EXPORTS]
        dlg.format.setCurrentIndex(self.rng.choice(fmts))
        steps = [i for i in range(dlg.steps.count()) if dlg.steps.itemData(i) in ("now", "range")]
        dlg.steps.setCurrentIndex(self.rng.choice(steps))
        dlg.first.setValue(self.rng.randrange(0, 6))
        dlg.last.setValue(self.rng.randrange(0, 6))
        if dlg.what.count():
            dlg.what.setCurrentIndex(self.rng.randrange(dlg.what.count()))
        self.answer("export", (dlg.format.currentData(), dlg.what.currentText(), dlg.steps.currentData()))
        return QDialog.Accepted


@pytest.fixture
def stand_ins(monkeypatch, tmp_path):
    """Installs the dialogs' stand-ins; returns a function making them for a seed."""
    from visualnn.ui import export as export_mod
    from visualnn.ui import text
    made = {}

    def make(rng):
        files = [p for p, _, _ in __import__("visualnn.io", fromlist=["list_examples"]).list_examples()]
        files += broken_files(tmp_path / "files")
        save_dir = tmp_path / "saved"
        save_dir.mkdir(exist_ok=True)
        d = Dialogs(rng, files, save_dir)
        monkeypatch.setattr(QMessageBox, "critical", d.message("critical", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "warning", d.message("warning", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "information", d.message("information", QMessageBox.Ok))
        monkeypatch.setattr(QMessageBox, "question", d.question)
        monkeypatch.setattr(text, "ask", d.ask)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", d.open_name)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", d.save_name)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", d.folder_name)
        monkeypatch.setattr(QInputDialog, "getDouble", d.double)
        monkeypatch.setattr(export_mod.ExportDialog, "exec", lambda dlg: d.export_exec(dlg))
        made["d"] = d
        return d
    return make


# -- the monkey ------------------------------------------------------------------------------------------
class Monkey:
    def __init__(self, win, qtbot, qtlog, rng: random.Random, dialogs: Dialogs, log_path: Path, weights=None):
        self.win, self.qtbot, self.qtlog, self.rng, self.dialogs = win, qtbot, qtlog, rng, dialogs
        self.log: list[str] = []
        self.log_file = open(log_path, "w", encoding="utf-8", buffering=1)
        dialogs.note = self.note_more
        self.seen_messages = 0
        self.times: dict[str, float] = {}       # seconds spent per kind of action
        self.actions = [
            (20, self.key), (8, self.ctrl_key), (14, self.click_graph), (5, self.double_click_graph),
            (4, self.wheel), (3, self.drag), (8, self.toolbar), (10, self.menu_action), (10, self.poke_widget),
            (3, self.open_file), (2, self.undo_redo), (2, self.sample_and_rate), (2, self.toggle_panel),
            (3, self.train), (2, self.present), (1, self.resize), (1, self.edit_selected), (1, self.wait),
            (1, self.close_and_reopen),
        ]
        if weights:
            self.actions = [(weights.get(fn.__name__, w), fn) for w, fn in self.actions]
        self.total = sum(w for w, _ in self.actions)

    # -- bookkeeping -----------------------------------------------------------------------------------
    def note(self, text: str):
        line = f"{len(self.log)}: {text}"
        self.log.append(line)
        self.log_file.write(line + "\n")

    def note_more(self, text: str):
        """A line belonging to the last action (a dialog's answer)."""
        self.log[-1] += "\n" + text if self.log else text
        self.log_file.write(text + "\n")

    def failure(self, why: str) -> str:
        tail = "\n".join(self.log[-LOG_TAIL:])
        return (f"monkey failed (seed {self.seed}, action {len(self.log) - 1} of {self.n}): {why}\n"
                f"last {min(LOG_TAIL, len(self.log))} actions:\n{tail}\n"
                f"whole log: {self.log_file.name}")

    def check_messages(self):
        recs = self.qtlog.records
        new, self.seen_messages = recs[self.seen_messages:], len(recs)
        for r in new:
            if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg) and \
                    not any(a in r.message for a in ALLOWED_MESSAGES):
                raise MonkeyFailure(f"Qt {r.type.name}: {r.message}")

    def check_state(self):
        s, v = self.win.session, self.win.view
        if s.model is None:
            raise MonkeyFailure("the window lost its network")
        if set(v.node_names()) != set(s.graph.nodes):
            raise MonkeyFailure("the graph drawn is not the session's graph")
        if s.state is None or s.state.position != s.stepper.position:
            raise MonkeyFailure(f"the state shown ({s.state and s.state.position}) is not the stepper's "
                                f"({s.stepper.position})")
        # (weights may be NaN: an extreme edit, say a bias of 1e12 before a cross-entropy, makes
        # the update divide by zero; the window must show that, not fall over)
        if set(s.state.params) != set(s.stepper.graph.param_names):
            raise MonkeyFailure("the parameters shown are not the network's")
        if not self.win.windowTitle():
            raise MonkeyFailure("the window has no title")

    def run(self, n: int, seed: int):
        self.n, self.seed = n, seed
        self.done = 0
        app = QApplication.instance()
        with self.qtbot.capture_exceptions() as caught:
            for i in range(n):
                r = self.rng.uniform(0, self.total)
                for w, fn in self.actions:
                    r -= w
                    if r <= 0:
                        break
                t = time.perf_counter()
                try:
                    fn()
                    app.processEvents()
                    dt = time.perf_counter() - t
                    self.times[fn.__name__] = self.times.get(fn.__name__, 0.0) + dt
                    if dt > 1.0:
                        self.note_more(f"  (took {dt:.1f} s)")
                    if dt > FREEZE_S:
                        raise MonkeyFailure(f"the window froze: the last action took {dt:.0f} s")
                except MonkeyFailure as e:
                    pytest.fail(self.failure(str(e)), pytrace=False)
                except Exception:
                    pytest.fail(self.failure("an action raised:\n" + traceback.format_exc()), pytrace=False)
                if caught:
                    tb = "".join(traceback.format_exception(*caught[0]))
                    pytest.fail(self.failure("an exception inside Qt (a slot or virtual):\n" + tb), pytrace=False)
                try:
                    self.check_messages()
                    if i % 10 == 0:
                        self.check_state()
                except MonkeyFailure as e:
                    pytest.fail(self.failure(str(e)), pytrace=False)
                self.done += 1
        self.log_file.close()

    # -- targets ------------------------------------------------------------------------------------------
    def presenting(self):
        p = getattr(self.win, "presentation", None)
        return p if p is not None and p.isVisible() else None

    def key_target(self):
        p = self.presenting()
        if p is not None:
            return p
        w = QApplication.focusWidget()
        if w is None or w.window() is not self.win:
            w = self.win.view
        return w

    def graph_point(self):
        """A viewport position: on a node, on an edge, or anywhere."""
        v = self.win.view
        r = self.rng.random()
        names = v.node_names()
        if r < 0.4 and names:
            name = self.rng.choice(names)
            return v.view_pos_of(name), f"node {name}"
        keys = v.edge_keys()
        if r < 0.7 and keys:
            a, b = self.rng.choice(keys)
            return v.view_pos_of_edge(a, b), f"edge {a}->{b}"
        vp = v.viewport()
        p = QPoint(self.rng.randrange(max(1, vp.width())), self.rng.randrange(max(1, vp.height())))
        return p, f"({p.x()}, {p.y()})"

    def modifier(self):
        return self.rng.choice([Qt.NoModifier] * 4 + [Qt.ControlModifier, Qt.ShiftModifier])

    # -- actions ------------------------------------------------------------------------------------------
    def key(self):
        r = self.rng.random()
        if r < 0.55:
            key = self.rng.choice(STEP_KEYS)
        elif r < 0.75:
            key = self.rng.choice(OTHER_KEYS)
        elif r < 0.88:
            key = Qt.Key(Qt.Key_0 + self.rng.randrange(10))
        else:
            key = Qt.Key(Qt.Key_A + self.rng.randrange(26))
        target = self.key_target()
        self.note(f"key {QKeyName(key)} -> {type(target).__name__}")
        self.qtbot.keyClick(target, key)

    def ctrl_key(self):
        key, mod = self.rng.choice(CTRL_KEYS)
        target = self.key_target()
        self.note(f"key {'Ctrl+Shift+' if mod & Qt.ShiftModifier else 'Ctrl+'}{QKeyName(key)} -> {type(target).__name__}")
        self.qtbot.keyClick(target, key, mod)

    def click_graph(self):
        if self.presenting():
            p = self.presenting()
            button = self.rng.choice([Qt.LeftButton, Qt.RightButton])
            self.note(f"click presentation {button.name}")
            self.qtbot.mouseClick(p, button, Qt.NoModifier, QPoint(p.width() // 2, p.height() // 2))
            return
        pos, what = self.graph_point()
        mod = self.modifier()
        button = self.rng.choice([Qt.LeftButton] * 6 + [Qt.RightButton, Qt.MiddleButton])
        self.note(f"click {button.name} {mod.name if hasattr(mod, 'name') else mod} on {what}")
        self.qtbot.mouseClick(self.win.view.viewport(), button, mod, pos)

    def double_click_graph(self):
        if self.presenting():
            return self.key()
        pos, what = self.graph_point()
        self.note(f"double-click on {what}")
        self.qtbot.mouseDClick(self.win.view.viewport(), Qt.LeftButton, Qt.NoModifier, pos)

    def wheel(self):
        if self.presenting():
            return self.key()
        vp = self.win.view.viewport()
        pos, what = self.graph_point()
        delta = self.rng.choice([-720, -240, -120, -15, 15, 120, 240, 720, 2400])
        self.note(f"wheel {delta} at {what}")
        ev = QWheelEvent(QPointF(pos), QPointF(vp.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, delta),
                         Qt.NoButton, self.modifier(), Qt.NoScrollPhase, False)
        QApplication.sendEvent(vp, ev)

    def drag(self):
        if self.presenting():
            return self.key()
        vp = self.win.view.viewport()
        a, what = self.graph_point()
        b = a + QPoint(self.rng.randint(-300, 300), self.rng.randint(-300, 300))
        self.note(f"drag from {what} by ({b.x() - a.x()}, {b.y() - a.y()})")
        self.qtbot.mousePress(vp, Qt.LeftButton, Qt.NoModifier, a)
        for k in range(1, 4):
            self.qtbot.mouseMove(vp, a + (b - a) * (k / 3))
        self.qtbot.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, b)

    def toolbar(self):
        acts = [a for a in self.win.stepping_toolbar.actions() if not a.isSeparator() and a.isEnabled()
                and a.text()]
        a = self.rng.choice(acts)
        self.note(f"toolbar {a.text()!r}")
        a.trigger()

    def _menu_actions(self):
        out = []

        def walk(menu):
            for a in menu.actions():
                if a.isSeparator():
                    continue
                if a.menu() is not None:
                    walk(a.menu())
                elif a.isEnabled():
                    out.append(a)
        for a in self.win.menuBar().actions():
            if a.menu() is not None:
                a.menu().aboutToShow.emit()     # menus fill themselves when opened (Open Recent)
                walk(a.menu())
        out += [a for a in self.win.actions() if a.isEnabled()]
        return out

    def menu_action(self):
        a = self.rng.choice(self._menu_actions())
        self.note(f"menu {a.text()!r}")
        a.trigger()

    def _pokeable(self):
        kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider)
        out = []
        for w in self.win.findChildren(QWidget):
            if not isinstance(w, kinds) or not (w.isVisible() and w.isEnabled()):
                continue
            if w.visibleRegion().isEmpty():
                continue        # on a dock tab behind another: Qt calls it visible, nobody can click it
            if type(w).__module__.startswith("pyqtgraph"):
                continue        # pyqtgraph's own plot buttons (auto-range) are not the app's
            out.append(w)
        return out

    def poke_widget(self):
        ws = self._pokeable()
        if not ws:
            return self.key()
        w = self.rng.choice(ws)
        name = w.objectName() or w.toolTip()[:30] or type(w).__name__
        if isinstance(w, QComboBox):
            if w.count():
                i = self.rng.randrange(w.count())
                self.note(f"combo {name!r} -> {i}")
                w.setCurrentIndex(i)
        elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
            # counts (epochs, marble steps, grid points) up to SPIN_CAP: the maxima ask for minutes of work
            lo, hi = w.minimum(), min(w.maximum(), max(w.minimum(), SPIN_CAP))
            r = self.rng.random()
            v = lo if r < 0.15 else hi if r < 0.3 else self.rng.uniform(lo, min(hi, lo + 10 * (1 + abs(lo))))
            v = int(v) if isinstance(w, QSpinBox) else v
            self.note(f"spin {name!r} = {v}")
            w.setValue(v)
            w.editingFinished.emit()
        elif isinstance(w, QSlider):
            v = self.rng.randint(w.minimum(), w.maximum())
            self.note(f"slider {name!r} = {v}")
            w.setValue(v)
        elif isinstance(w, QAbstractButton):
            self.note(f"button {w.text() or name!r}")
            w.click()

    def open_file(self):
        path = self.rng.choice(self.dialogs.files)
        self.note(f"open {path.name}")
        self.win.open_file(str(path))

    def undo_redo(self):
        a = self.rng.choice([self.win.undo_action, self.win.redo_action])
        self.note(f"{'undo' if a is self.win.undo_action else 'redo'}")
        a.trigger()

    def sample_and_rate(self):
        c = self.win.controls
        if self.rng.random() < 0.5 and c.sample.count() > 1:
            i = self.rng.randrange(c.sample.count())
            self.note(f"sample {i}")
            c.sample.setCurrentIndex(i)
        else:
            v = self.rng.choice([c.lr.minimum(), c.lr.maximum(), 0.5, self.rng.uniform(0.0001, 3)])
            self.note(f"learning rate {v}")
            c.lr.setValue(v)

    def toggle_panel(self):
        name = self.rng.choice(list(self.win.docks))
        self.note(f"toggle panel {name}")
        self.win.docks[name].toggleViewAction().trigger()

    def train(self):
        panel = (getattr(self.win, "plot_panels", None) or {}).get("Training")
        if panel is None:
            return self.key()
        r = self.rng.random()
        if r < 0.3:
            panel.lr.setValue(self.rng.choice([1e-4, 0.01, 0.5, 5.0, 100.0]))
            # (at most 2000 epochs: a long run with the panel in view starves the event loop, see
            # the report on the training panel's loss plot)
            panel.epochs.setValue(self.rng.choice([1, 5, 50, 2000]))
            self.note(f"train play lr={panel.lr.value()} epochs={panel.epochs.value()}")
            panel.play()
        elif r < 0.5:
            self.note("train pause")
            panel.pause()
        elif r < 0.7:
            self.note("train one epoch")
            panel.step_epoch()
        elif r < 0.85:
            self.note("train reset")
            panel.reset()
        else:
            self.note("train wait 30 ms")
            self.qtbot.wait(30)

    def present(self):
        p = self.presenting()
        if p is None:
            self.note("present (F5)")
            self.win.present_action.trigger()
        else:
            key = self.rng.choice([Qt.Key_PageDown, Qt.Key_PageUp, Qt.Key_B, Qt.Key_Home, Qt.Key_End,
                                   Qt.Key_Escape, Qt.Key_Right, Qt.Key_Left, Qt.Key_Period])
            self.note(f"presentation key {QKeyName(key)}")
            self.qtbot.keyClick(p, key)

    def resize(self):
        w, h = self.rng.randint(300, 1800), self.rng.randint(200, 1100)
        self.note(f"resize {w}x{h}")
        self.win.resize(w, h)

    def edit_selected(self):
        v = self.win.view
        names = v.node_names()
        if names:
            name = self.rng.choice(names)
            self.note(f"select {name}, F2")
            self.win.session.select([name])
            self.win.edit_selected()

    def wait(self):
        ms = self.rng.choice([0, 10, 50, 120])
        self.note(f"wait {ms} ms")
        self.qtbot.wait(ms)

    def close_and_reopen(self):
        self.note("close the window, show it again")
        self.win.close()
        QApplication.processEvents()
        if not self.win.isVisible():
            self.win.show()
            self.qtbot.waitExposed(self.win)
            self.win.activateWindow()

    # -- the end ------------------------------------------------------------------------------------------
    def finish(self):
        """Leave nothing running: presentation closed, training stopped, no edits to ask about."""
        p = self.presenting()
        if p is not None:
            p.close()
        panel = (getattr(self.win, "plot_panels", None) or {}).get("Training")
        if panel is not None:
            panel._end_run()
            assert panel.wait(20000), "the training thread did not stop"
        from visualnn.ui.plots.worker import stop_all
        assert stop_all(20000), "a plot thread did not stop"
        self.win.controls.set_playing(False)
        self.win.session.mark_saved()
        QApplication.processEvents()


def QKeyName(key) -> str:
    from PySide6.QtGui import QKeySequence
    return QKeySequence(key).toString() or str(key)


def start_window(qtbot):
    from visualnn.app import create_window
    from visualnn.ui.main_window import default_settings
    win = create_window(None, settings=default_settings())
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.view.setFocus()
    return win


def run_monkey(qtbot, qtlog, stand_ins, tmp_path, seed: int, n: int, weights=None):
    rng = random.Random(seed)
    dialogs = stand_ins(rng)
    log_path = Path(os.environ.get("VISUALNN_MONKEY_LOG_DIR", str(tmp_path))) / f"monkey-{seed}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.__stderr__.write(f"\nmonkey: seed {seed}, {n} actions, log {log_path}\n")
    win = start_window(qtbot)
    monkey = Monkey(win, qtbot, qtlog, rng, dialogs, log_path, weights)
    t = time.perf_counter()
    try:
        monkey.run(n, seed)
    finally:
        monkey.finish()
    slow = ", ".join(f"{k} {v:.1f}" for k, v in sorted(monkey.times.items(), key=lambda kv: -kv[1])[:6])
    sys.__stderr__.write(f"monkey: seed {seed}: {n} actions in {time.perf_counter() - t:.1f} s (most time: {slow}); "
                         f"dialogs {dict(sorted(dialogs.asked.items()))}\n")
    return monkey, dialogs


def test_monkey_random_actions_leave_the_window_consistent(qtbot, qtlog, stand_ins, tmp_path):
    monkey, dialogs = run_monkey(qtbot, qtlog, stand_ins, tmp_path, SEED, ACTIONS)
    assert monkey.done == ACTIONS
    # the run went everywhere: files were refused with messages, values edited, saved
    assert dialogs.asked.get("critical", 0) > 0
    assert dialogs.asked.get("number", 0) > 0


def test_monkey_files_saves_and_exports(qtbot, qtlog, stand_ins, tmp_path):
    """Mostly opening (good and broken files), saving, exporting, editing and undoing."""
    weights = {"open_file": 25, "menu_action": 25, "ctrl_key": 20, "undo_redo": 8, "double_click_graph": 10,
               "train": 1, "present": 1, "drag": 1, "wheel": 1}
    n = max(50, ACTIONS // 4)
    monkey, dialogs = run_monkey(qtbot, qtlog, stand_ins, tmp_path, SEED + 1, n, weights)
    assert dialogs.asked.get("critical", 0) > 0
    assert dialogs.asked.get("save as", 0) > 0


# -- bugs the monkey found, pinned down ------------------------------------------------------------------
def _emit_from_another_thread(signal, *args):
    """Emit as the training thread does: the call is queued to the GUI thread."""
    import threading
    t = threading.Thread(target=lambda: signal.emit(*args))
    t.start()
    t.join()


@pytest.mark.parametrize("signal", ["sigEpochs", "sigResult"])
def test_training_news_queued_before_another_network_opens_is_dropped(qtbot, signal):
    """Found by the monkey (seeds 1-3): a training thread's progress, already queued
    when another network opened, arrived after the run had ended.  Qt still calls the
    slot, but with no sender (the connection is gone), so ``sender() is not
    self.thread`` (None is None) let it through: the old network's weights were
    pushed into the new one (KeyError 'b1') or the finished run retired None
    (AttributeError)."""
    from visualnn.io import examples_dir
    from visualnn.engine.training import TrainResult
    win = start_window(qtbot)
    panel = win.plot_panels["Training"]
    panel.epochs.setValue(1_000_000)
    panel.play()
    th = panel.thread
    assert th is not None
    params = dict(win.session.model.params)
    if signal == "sigEpochs":
        args = ([(1, 0.25, None)], params)
    else:
        model = win.session.model.copy()
        args = (TrainResult(model=model, history=[0.25], test_history=[], status="done", stopped_reason=""),)
    _emit_from_another_thread(getattr(th, signal), *args)
    assert win.open_file(str(examples_dir() / "xor.json"))       # ends the run; the news is still queued
    with qtbot.capture_exceptions() as caught:
        QApplication.processEvents()
    assert not caught, "".join(traceback.format_exception(*caught[0]))
    from visualnn.io import load
    assert win.session.state.params == load(examples_dir() / "xor.json").model.params   # untouched
    assert panel.state == "idle" and panel.thread is None
    assert not win.session.dirty
    panel.wait(10000)
    win.session.mark_saved()


def test_cost_curve_survives_weights_that_are_not_numbers(tmp_path):
    """Found by the monkey (seed 3): bias b_OR edited to 1e12, then End.  The
    update makes NaN weights (the cross-entropy's local gradient at a saturated
    sigmoid is 1/0), and the cost-curve panel rebuilt itself for ever because
    NaN != NaN: a stack overflow, a segmentation fault.  Run in a child
    process so that a crash fails this test instead of ending the run."""
    import subprocess
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[1])\n"
        "from visualnn.app import create_window\n"
        "from visualnn.io import examples_dir\n"
        "win = create_window(examples_dir() / 'and_or_perceptron.json')\n"
        "win.show()\n"
        "win.docks['Cost curve'].show(); win.docks['Cost curve'].raise_()\n"
        "app.processEvents()\n"
        "assert win.plot_panels['Cost curve'].cost is not None\n"
        "win.session.edit_value('b_OR', 1e12)\n"
        "win.session.end()\n"
        "app.processEvents()\n"
        "win.session.step(); win.session.back(); app.processEvents()\n"
        "from visualnn.ui.plots.worker import stop_all\n"
        "stop_all()\n"
        "win.session.mark_saved()\n"
        "print('survived')\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "survived" in out.stdout, out.stderr[-3000:]


def test_loss_surface_redrawn_before_the_new_networks_surface_arrives(qtbot):
    """Found by the monkey (seeds 1, 2, 20240607): right after another network
    opens, the loss surface panel still holds the old network's surface (the
    new one is computed in the background); redrawing it then ('log colours')
    looked up the old parameter names in the new network: KeyError.  So did
    rolling the marbles."""
    from visualnn.io import examples_dir
    win = start_window(qtbot)
    panel = win.plot_panels["Loss surface"]
    win.docks["Loss surface"].show()
    win.docks["Loss surface"].raise_()
    qtbot.waitUntil(lambda: panel.surface is not None and panel.surface.p1 == "w5", timeout=20000)
    with qtbot.capture_exceptions() as caught:
        assert win.open_file(str(examples_dir() / "spiral.json"))
        panel.log.click()                       # before the new surface is done
        panel.roll()                            # the marbles too (seed 1, later)
        QApplication.processEvents()
        panel.wait(20000)
        QApplication.processEvents()
    assert not caught, "".join(traceback.format_exception(*caught[0]))
    assert panel.surface.p1 in win.session.model.params
    win.session.mark_saved()


def test_training_from_weights_that_are_not_numbers_ends_with_a_message(qtbot):
    """Found by the monkey (seed 5): after an update made the weights NaN (bias
    1e12 before a cross-entropy), playing the training panel diverged at once,
    kept its NaN start and pushed it into the session, which refuses NaN: a
    ValueError inside the result slot, the panel left half-updated."""
    import json
    import tempfile
    from pathlib import Path
    from visualnn.io import examples_dir
    win = start_window(qtbot)
    # BCE clamps its logs at -100 like PyTorch; with the clamp off the update gives NaN weights
    doc = json.loads((examples_dir() / "and_or_perceptron.json").read_text(encoding="utf-8"))
    doc["network"]["loss"]["attrs"] = {"clamp_log": 0}
    copy = Path(tempfile.mkdtemp()) / "and_or_unclamped.json"
    copy.write_text(json.dumps(doc), encoding="utf-8")
    assert win.open_file(str(copy))
    s = win.session
    s.edit_value("b_OR", 1e12)
    s.end()
    assert any(v != v for v in s.state.params.values())          # NaN weights shown
    panel = win.plot_panels["Training"]
    win.docks["Training"].show()
    win.docks["Training"].raise_()
    panel.epochs.setValue(5)
    with qtbot.capture_exceptions() as caught:
        panel.play()
        qtbot.waitUntil(lambda: panel.thread is None, timeout=20000)
        QApplication.processEvents()
    assert not caught, "".join(traceback.format_exception(*caught[0]))
    assert panel.state == "paused" and "diverged" in panel.status.text()
    assert panel.play_button.isEnabled() and panel.reset_button.isEnabled()
    s.mark_saved()
