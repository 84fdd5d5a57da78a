"""Saves in the window that never surprise: a read-only file and a file changed on disk
each ask what to do (and change nothing until answered), and a Revert that fails keeps
the edits marked unsaved, so closing still asks."""
from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from visualnn.io import examples_dir, load


@pytest.fixture
def opened(window, tmp_path):
    p = tmp_path / "net.json"
    p.write_bytes((examples_dir() / "mazur_2_2_2.json").read_bytes())
    assert window.open_file(p)
    window.session.edit_value("w1", 0.5)
    assert window.session.dirty
    return p


def questions(dialogs):
    return [(t, text) for kind, t, text in dialogs.shown if kind == "question"]


def test_saving_over_a_read_only_file_asks_and_offers_save_as(window, dialogs, opened, tmp_path, monkeypatch):
    before = opened.read_bytes()
    opened.chmod(0o444)
    dialogs.answer = QMessageBox.Cancel
    assert not window.save()
    assert questions(dialogs)[-1][0] == "Read-only file" and "read-only" in questions(dialogs)[-1][1]
    assert opened.read_bytes() == before and window.session.dirty
    other = tmp_path / "mine.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(other), ""))
    dialogs.answer = QMessageBox.Yes                    # "Save As…"
    assert window.save()
    assert load(other).model.params["w1"] == 0.5 and opened.read_bytes() == before
    assert not window.session.dirty and window.session.path == other


def test_saving_a_file_changed_on_disk_asks_before_replacing_it(window, dialogs, opened):
    theirs = opened.read_text().replace('"w2": 0.2', '"w2": 0.9')
    opened.write_text(theirs)
    st = opened.stat()
    os.utime(opened, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    dialogs.answer = QMessageBox.Cancel
    assert not window.save()
    assert questions(dialogs)[-1][0] == "File changed on disk"
    assert opened.read_text() == theirs and window.session.dirty
    dialogs.answer = QMessageBox.Yes                    # "Replace"
    assert window.save()
    assert load(opened).model.params["w1"] == 0.5 and not window.session.dirty


def test_a_failed_revert_keeps_the_edits_marked_unsaved(window, dialogs, opened):
    opened.write_text("{ not json")
    dialogs.answer = QMessageBox.Yes                    # "drop the edits and reload"
    assert not window.revert()
    assert [k for k, _, _ in dialogs.shown][-2:] == ["question", "critical"]
    assert window.session.dirty and window.session.value_of("w1") == 0.5
    assert window.isWindowModified()
