"""Bad files, failed saves and a diverging run, through the real window.

Opening: a file or network too big, a link, an unreadable file, a folder, a
named pipe, text that is not UTF-8 — each refused with a message that names
the file and says why, while the window keeps the network it shows (and its
unsaved edits).  Saving: denied writes and a full disk are reported, the edits
stay unsaved and the previous file stays as it was, even when the process
dies in the middle of writing.  Training at a learning rate of 1e6 stops with
a message and keeps the last finite weights.

The tests run as root, who may read and write anything: a denied read or
write is simulated by making ``os.open``, ``os.replace`` or
``tempfile.mkstemp`` raise ``PermissionError``, as the kernel would.
"""
from __future__ import annotations

import errno
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from visualnn.io import MAX_FILE_BYTES, MAX_NODES, examples_dir, load


# -- helpers ----------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def examples_copy(tmp_path, monkeypatch):
    """The window's examples are copies, so that no test can write over the bundled files."""
    import shutil
    dst = tmp_path / "examples"
    shutil.copytree(examples_dir(), dst)
    monkeypatch.setenv("VISUALNN_EXAMPLES", str(dst))
    return dst


def snapshot(win) -> dict:
    """What the window shows, to compare before and after a failed open or save."""
    s = win.session
    return {"document": s.document, "path": s.path, "title": win.windowTitle(), "dirty": s.dirty,
            "params": dict(s.state.params), "position": s.position, "nodes": sorted(win.view.node_names()),
            "model": s.model}


def assert_kept(win, before: dict):
    after = snapshot(win)
    for k, v in before.items():
        if k in ("document", "model"):
            assert after[k] is v, f"the window replaced its {k}"
        else:
            assert after[k] == v, f"{k} changed: {v!r} -> {after[k]!r}"


def the_message(dialogs, title: str) -> str:
    shown = [t for kind, tt, t in dialogs.shown if kind == "critical" and tt == title]
    assert shown, f"no '{title}' message; shown: {dialogs.shown}"
    return shown[-1]


@pytest.fixture
def mazur_copy(tmp_path) -> Path:
    p = tmp_path / "mazur.json"
    p.write_bytes((examples_dir() / "mazur_2_2_2.json").read_bytes())
    return p


# -- opening -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["sizes", "names"])
def test_opening_a_network_of_a_million_neurons_is_refused_naming_the_limit(window, dialogs, tmp_path, form):
    path = tmp_path / f"huge-{form}.json"
    if form == "sizes":
        net = {"type": "layered", "sizes": [784, 1_000_000, 10], "activations": "sigmoid"}
    else:       # every name written out: about 12 MB of JSON, still under the file-size limit
        net = {"type": "layered", "inputs": [f"x{i}" for i in range(1_000_000)],
               "layers": [{"neurons": ["h1"], "activation": "sigmoid", "weights": [[0.0] * 1_000_000],
                           "biases": [0.0]}]}
    path.write_text(json.dumps({"format": "visualnn", "version": 1, "network": net}), encoding="utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES
    before = snapshot(window)
    assert not window.open_file(str(path))
    text = the_message(dialogs, "Cannot open file")
    assert str(path) in text
    assert f"{MAX_NODES:,}" in text and "neurons" in text
    assert_kept(window, before)


def test_opening_a_file_over_the_size_limit_is_refused_before_it_is_read(window, dialogs, tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)          # sparse: no disk space used
    before = snapshot(window)
    assert not window.open_file(str(path))
    text = the_message(dialogs, "Cannot open file")
    assert str(path) in text and f"{MAX_FILE_BYTES / (1024 * 1024):.1f} MB" in text and "refused" in text
    assert_kept(window, before)


def test_opening_a_symbolic_link_is_refused(window, dialogs, tmp_path):
    link = tmp_path / "xor-link.json"
    link.symlink_to(examples_dir() / "xor.json")
    before = snapshot(window)
    assert not window.open_file(str(link))
    text = the_message(dialogs, "Cannot open file")
    assert str(link) in text and "symbolic link" in text and "xor.json" in text
    assert_kept(window, before)


def test_opening_an_unreadable_file_says_permission_denied(window, dialogs, mazur_copy, monkeypatch):
    mazur_copy.chmod(0)
    real_open = os.open

    def denied(path, *args, **kwargs):          # root reads anything: do what the kernel does for others
        if Path(path) == mazur_copy:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", denied)
    before = snapshot(window)
    assert not window.open_file(str(mazur_copy))
    text = the_message(dialogs, "Cannot open file")
    assert str(mazur_copy) in text and "permission denied" in text
    assert_kept(window, before)


def test_opening_a_folder_is_refused(window, dialogs, tmp_path):
    folder = tmp_path / "looks_like_a_file.json"
    folder.mkdir()
    before = snapshot(window)
    assert not window.open_file(str(folder))
    text = the_message(dialogs, "Cannot open file")
    assert str(folder) in text and "folder" in text
    assert_kept(window, before)


def test_opening_a_named_pipe_is_refused_without_waiting_for_a_writer(window, dialogs, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    before = snapshot(window)
    assert not window.open_file(str(fifo))          # reading it would block for ever
    text = the_message(dialogs, "Cannot open file")
    assert str(fifo) in text and "not a regular file" in text
    assert_kept(window, before)


def test_opening_text_that_is_not_utf8_names_the_line_and_column(window, dialogs, tmp_path):
    path = tmp_path / "latin1.json"
    text = (examples_dir() / "mazur_2_2_2.json").read_text(encoding="utf-8")
    text = text.replace('"title": "', '"title": "Rückwärts ', 1)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    line = next(k for k, l in enumerate(text.splitlines(), start=1) if "Rückwärts" in l)
    before = snapshot(window)
    assert not window.open_file(str(path))
    msg = the_message(dialogs, "Cannot open file")
    assert str(path) in msg and "UTF-8" in msg and f"line {line}, column" in msg and "0xfc" in msg
    assert_kept(window, before)


def test_a_refused_file_leaves_the_unsaved_edits_in_place(window, dialogs, tmp_path):
    window.session.edit_value("w5", 0.123)
    assert window.session.dirty
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "visualnn", "version": 1, "network": ', encoding="utf-8")
    dialogs.answer = QMessageBox.Discard            # "drop the edits and open the other file"
    before = snapshot(window)
    assert not window.open_file(str(broken))
    assert [k for k, _, _ in dialogs.shown] == ["question", "critical"]
    assert_kept(window, before)                     # the other file could not be opened: nothing dropped
    assert window.session.value_of("w5") == 0.123 and window.session.dirty
    dialogs.answer = None


# -- saving -----------------------------------------------------------------------------------------
def _edit(window):
    window.session.edit_value("w1", 0.987)
    window.session.edit_value("b2", -0.25)
    return {"w1": 0.987, "b2": -0.25}


def _no_temp_files(folder: Path):
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not left, f"temporary files left: {left}"


@pytest.mark.parametrize("how", ["save", "save as"])
def test_saving_where_writing_is_denied_reports_it_and_keeps_the_edits(window, dialogs, mazur_copy, tmp_path,
                                                                       monkeypatch, how):
    assert window.open_file(str(mazur_copy))
    original = mazur_copy.read_bytes()
    edits = _edit(window)
    target = mazur_copy if how == "save" else tmp_path / "elsewhere.json"

    def denied(src, dst, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))
    monkeypatch.setattr(os, "replace", denied)
    before = snapshot(window)
    assert not (window.save() if how == "save" else window.save_as(str(target)))
    text = the_message(dialogs, "Cannot save")
    assert str(target) in text and "permission denied" in text
    assert_kept(window, before)
    assert window.session.dirty and window.isWindowModified()
    assert {k: window.session.value_of(k) for k in edits} == edits
    assert mazur_copy.read_bytes() == original
    assert how == "save" or not target.exists()
    _no_temp_files(tmp_path)
    monkeypatch.undo()
    # once writing works again the same edits save
    assert window.save() if how == "save" else window.save_as(str(target))
    assert not window.session.dirty
    assert {k: load(target).model.params[k] for k in edits} == edits


def test_saving_into_a_folder_that_refuses_new_files(window, dialogs, mazur_copy, tmp_path, monkeypatch):
    assert window.open_file(str(mazur_copy))
    edits = _edit(window)

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    target = tmp_path / "new.json"
    before = snapshot(window)
    assert not window.save_as(str(target))
    text = the_message(dialogs, "Cannot save")
    assert str(target) in text and "not writable" in text
    assert_kept(window, before)
    assert {k: window.session.value_of(k) for k in edits} == edits
    assert not target.exists()


class _DiskFillsUp:
    """A file object whose write stores half the bytes, then fails like a full disk."""

    def __init__(self, f):
        self.f = f

    def write(self, data):
        self.f.write(data[: len(data) // 2])
        self.f.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()
        return False


def test_a_save_interrupted_by_a_full_disk_leaves_the_previous_file_intact(window, dialogs, mazur_copy,
                                                                          tmp_path, monkeypatch):
    assert window.open_file(str(mazur_copy))
    original = mazur_copy.read_bytes()
    edits = _edit(window)
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _DiskFillsUp(real_fdopen(fd, *a, **k)))
    before = snapshot(window)
    assert not window.save()
    text = the_message(dialogs, "Cannot save")
    assert str(mazur_copy) in text and "disk is full" in text
    assert_kept(window, before)
    assert {k: window.session.value_of(k) for k in edits} == edits
    assert mazur_copy.read_bytes() == original
    _no_temp_files(tmp_path)


def test_a_save_killed_midway_leaves_the_previous_file_intact(mazur_copy, tmp_path):
    """The process dies (power cut, kill -9) halfway through writing: the file
    on disk is still the previous one, whole, and opens."""
    original = mazur_copy.read_bytes()
    code = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, {str(tmp_path / 'settings')!r})
from visualnn.app import create_window
win = create_window({str(mazur_copy)!r})
win.session.edit_value("w1", 0.987)
real_fdopen = os.fdopen

class Dies:
    def __init__(self, f):
        self.f = f
    def write(self, data):
        self.f.write(data[: len(data) // 2])
        self.f.flush()
        os._exit(17)                         # killed mid-write: no cleanup, no exception handlers
    def __getattr__(self, name):
        return getattr(self.f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False

os.fdopen = lambda fd, *a, **k: Dies(real_fdopen(fd, *a, **k))
win.save()
print("the save returned: the write was never interrupted")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 17, out.stdout + out.stderr[-2000:]
    assert mazur_copy.read_bytes() == original
    assert load(mazur_copy).model.params["w1"] == 0.15      # the lecture's value, not the edit


# -- training at an absurd learning rate -------------------------------------------------------------------
def test_training_at_rate_1e6_stops_with_a_message_and_keeps_the_last_finite_weights(window, dialogs, qtbot):
    from visualnn.engine.training import train
    assert window.open_file(str(examples_dir() / "four_pixel_camera.json"))
    s = window.session
    panel = window.plot_panels["Training"]
    window.docks["Training"].show()
    window.docks["Training"].raise_()
    start = dict(s.state.params)
    # the panel offers rates up to its maximum (100); 1e6 is typed in past it, as a file could ask
    panel.lr.setMaximum(1e7)
    panel.lr.setValue(1e6)
    panel.epochs.setValue(1000)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=60000)
    # stopped, with a message saying why and what to do
    status = panel.status.text()
    assert panel.state == "paused"
    assert "diverged" in status and "learning rate" in status.lower() and "1e+06" in status
    # the weights shown are the last finite ones: what the engine keeps, epoch by epoch
    m = s.model.copy()
    m.params = dict(start)
    oracle = train(m, epochs=1000, lr=1e6, optimizer=panel.optimizer.currentData(),
                   batch_size=panel.batch.value() or None, seed=panel.seed.value(), start="model")
    assert oracle.status == "diverged" and oracle.epochs_done > 0
    last_finite = train(m, epochs=oracle.epochs_done, lr=1e6, optimizer=panel.optimizer.currentData(),
                        batch_size=panel.batch.value() or None, seed=panel.seed.value(), start="model")
    assert last_finite.status == "done"
    shown = dict(s.state.params)
    assert shown == last_finite.model.params == oracle.model.params
    assert shown != start and all(math.isfinite(v) for v in shown.values())
    # the window goes on working: a whole pass, back, an edit and its undo, a sane run
    s.reset()
    for _ in range(s.cycle_length):
        s.step()
    assert s.state.updated and all(math.isfinite(v) for v in s.state.params.values())
    assert all("nan" not in window.view.node_item(n).value_text().lower() for n in window.view.node_names())
    s.back()
    name = next(iter(shown))
    s.edit_value(name, 0.5)
    window.undo_action.trigger()
    assert s.value_of(name) == shown[name]
    panel.lr.setValue(0.01)
    panel.epochs.setValue(3)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=60000)
    assert "Finished" in panel.status.text()
    assert not [d for d in dialogs.shown if d[0] == "critical"]
    s.mark_saved()
