"""Text from a file is shown as text: nothing a name or a title says is read as rich text.

A node named ``<img src="/dev/zero">`` once made Qt read /dev/zero (growing
300 MB/s) when the node was clicked, hovered or shown in the Activation panel,
and a title holding it crashed the "unsaved edits" box. Here the same file is
opened in the real window, the node stepped to, selected and shown in every
panel, and every label, tooltip, box and title is checked: the name shows as
its characters. A walk over every widget finds no label left in Qt's
guessing ``AutoText`` mode, and a fuzz test over random names and titles
(HTML, bidi and control characters) does the same for whatever the loader accepts.
"""
from __future__ import annotations

import json
import re
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMenu, QMessageBox

from visualnn.io import FileFormatError, examples_dir, load, loads
from visualnn.io.checks import unprintable
from visualnn.ui import text

IMG = '<img src="/dev/zero">'
OWN_TAGS = {"qt", "b", "br", "span", "i", "em", "strong", "p", "sub", "sup"}   # visualnn's own markup
TAG = re.compile(r"<\s*/?\s*([A-Za-z0-9]+)")


def hostile_file(tmp_path, name=IMG, title=f"{IMG}<table>" + "<tr><td>x</td></tr>" * 200 + "</table>"):
    """The 2-2-2 network with its hidden neuron h1 and its weight w1 renamed after ``name``."""
    top = json.loads((examples_dir() / "mazur_2_2_2.json").read_text())
    top.pop("lecture", None)
    raw = json.dumps(top).replace('"h1"', json.dumps(name)).replace('"w1"', json.dumps(name + "w"))
    top = json.loads(raw)
    top["title"] = title
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(top), encoding="utf-8")
    return path


def auto_labels(window=None) -> list[QLabel]:
    """Every label Qt would guess the format of (pyqtgraph's own context menus aside)."""
    out = []
    for w in QApplication.allWidgets():
        if not isinstance(w, QLabel) or w.textFormat() != Qt.AutoText or isinstance(w.window(), QMenu):
            continue
        if window is None or w.window() is window:
            out.append(w)
    return out


def foreign_tags(rich: str) -> list[str]:
    """Tags in ``rich`` that visualnn's own markup does not use: a name read as HTML."""
    return [t for t in TAG.findall(rich) if t.lower() not in OWN_TAGS]


def shown_texts(win) -> list[tuple[str, str, Qt.TextFormat]]:
    """(where, text, format) of every label and tooltip the window shows."""
    out = [(f"label {w.objectName() or type(w.parent()).__name__}", w.text(), w.textFormat())
           for w in QApplication.allWidgets() if isinstance(w, QLabel) and w.window() is win]
    for item in win.view.scene().items():
        if item.toolTip():
            out.append(("graph tooltip", item.toolTip(), Qt.RichText))
    out.append(("phase tooltip", win.controls.phase.toolTip(), Qt.RichText))
    return out


def assert_all_plain(win):
    for where, shown, fmt in shown_texts(win):
        assert fmt in (Qt.PlainText, Qt.RichText), f"{where} guesses its format: {shown[:80]!r}"
        if fmt == Qt.RichText and shown:
            assert shown.startswith("<qt>") or not foreign_tags(shown), f"{where}: {shown[:120]!r}"
            assert not foreign_tags(shown), f"{where} would read a name as HTML: {shown[:160]!r}"


def show_everything(win, qtbot, node):
    """Every panel open, the stepper just past ``node``, the node selected."""
    for d in win.docks.values():
        d.show()
    s = win.session
    while s.position < s.cycle_length and s.state.values.get(node) is None:
        s.step()
    s.select([node])
    for panel in win.plot_panels.values():
        panel.set_seen(True)
    qtbot.wait(50)


@pytest.fixture
def memory_cap():
    """Address space capped 1.5 GB above what the test starts with: were the name read as
    HTML, Qt would read /dev/zero until the cap stops it, not until the machine runs out."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as f:
        vm = next(int(line.split()[1]) for line in f if line.startswith("VmSize:")) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + 1_500_000_000, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_an_image_tag_node_name_shows_as_text_in_every_label_tooltip_and_box(window, qtbot, tmp_path,
                                                                            memory_cap):
    path = hostile_file(tmp_path)
    assert window.open_file(path)
    show_everything(window, qtbot, "out_" + IMG)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    window.grab()                                         # paints everything: an <img> would be read now
    for dock in window.docks.values():
        dock.widget().grab()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000      # kB: nothing read
    assert_all_plain(window)
    assert window.inspector.field("what") == "out_" + IMG
    assert window.inspector.fields["what"].textFormat() == Qt.PlainText
    info = window.plot_panels["Activation"].info.text()
    assert text.escape(IMG) in info and IMG not in info
    tips = [i.toolTip() for i in window.view.scene().items() if IMG in i.toolTip() or "&lt;img" in i.toolTip()]
    assert tips and all(IMG not in t for t in tips)
    assert window.windowTitle().startswith(IMG) and len(window.windowTitle()) < 2 * text.MAX_LINE   # as text, cut


def test_the_unsaved_edits_box_shows_a_hostile_title_as_plain_text(window, qtbot, tmp_path):
    assert window.open_file(hostile_file(tmp_path))
    box = text.message_box(window, "question", "Unsaved edits", f"{window.session.title} has unsaved edits.",
                           QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
    assert box.textFormat() == Qt.PlainText
    assert box.text().startswith(IMG) and len(box.text()) <= text.MAX_SHOWN + 50
    box.grab()
    box.deleteLater()


def test_the_edit_value_dialog_names_a_hostile_parameter_as_text(window, tmp_path, monkeypatch):
    assert window.open_file(hostile_file(tmp_path))
    asked = []

    def ask(parent, title, label, *args, **kwargs):
        asked.append(label)
        return 0.0, False
    monkeypatch.setattr(QInputDialog, "getDouble", ask)
    window.edit_value(IMG + "w")
    assert asked and not foreign_tags(asked[0]) and text.escape(IMG) in asked[0]


def test_no_label_in_the_window_guesses_whether_its_text_is_html(window, qtbot):
    for d in window.docks.values():
        d.show()
    from visualnn.ui.export import ExportDialog
    dlg = ExportDialog(window)
    qtbot.addWidget(dlg)
    qtbot.wait(20)
    shown = window.present()                                  # F5: the presentation window too
    try:
        qtbot.wait(20)
        left = [(type(w.parent()).__name__, w.text()) for w in auto_labels() if w.window() in (window, dlg, shown)]
    finally:
        shown.close()
    assert not left, f"labels in AutoText: {left}"


def test_a_window_title_cannot_fake_the_modified_marker_span_lines_or_reverse_the_app_name():
    assert text.window_title("a[*]b\nc") == "a[\u2217]b c"
    assert text.window_title("\u202eevil") == "\u2068\u202eevil\u2069"      # isolated: "— visualnn" stays put
    assert text.menu_text("Fish & Chips") == "Fish && Chips"
    assert len(text.shorten("x" * 2_000_000)) < text.MAX_SHOWN + 50


def test_redo_has_one_shortcut_and_no_key_belongs_to_two_actions(window):
    assert len(window.redo_action.shortcuts()) == 1
    owners: dict[str, list[str]] = {}
    for a in window.findChildren(type(window.redo_action)):
        for k in a.shortcuts():
            if a.shortcutContext() != Qt.WidgetShortcut and not k.isEmpty():
                owners.setdefault(k.toString(), []).append(a.text())
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


# -- fuzz --------------------------------------------------------------------------------------------------
PIECES = st.sampled_from([IMG, "<table><tr><td>", "<a href='x'>", "<font size=99>", "<h1>", "&amp;", "&lt;",
                          "\u202e", "\u200b", "\u2066", "\x85", "\x07", "\n", "\t", "[*]", "&", "ü", "∂", "😀",
                          "\ufeff", "\ud800", " ", "x", "{", "}", "{0}", "%s"])
NAMES = st.lists(st.one_of(PIECES, st.text(max_size=3)), min_size=1, max_size=6).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(name=NAMES, title=NAMES)
def test_random_names_and_titles_are_refused_cleanly_or_shown_as_text(window, qtbot, tmp_path, name, title):
    path = hostile_file(tmp_path, name, title)
    try:
        doc = load(path)
    except FileFormatError as err:
        for line in str(err).splitlines():        # a refusal never carries the characters it refuses
            assert unprintable(line) is None, line
        return
    assert unprintable(name) is None
    window.session.mark_saved()
    window.show_model(doc.model, doc)
    show_everything(window, qtbot, "out_" + name)
    assert_all_plain(window)
    assert window.inspector.field("what") == "out_" + name
    shown = window.present()                                  # the presentation shows the title
    try:
        rich = [w.text() for w in QApplication.allWidgets() if isinstance(w, QLabel) and w.window() is shown
                and w.textFormat() != Qt.PlainText]
        assert all(not foreign_tags(t) for t in rich), rich
    finally:
        shown.close()


def test_braces_in_a_name_are_text_not_format_fields(window, qtbot, tmp_path):
    name = "a{0}b}{"
    assert window.open_file(hostile_file(tmp_path, name, "t{}"))
    show_everything(window, qtbot, "out_" + name)
    window.session.end()
    window.grab()
    assert window.inspector.field("what") == "out_" + name


def test_a_lone_surrogate_anywhere_is_refused_at_its_place():
    top = json.loads((examples_dir() / "add_mul.json").read_text())
    top["description"] = "\ud800"
    with pytest.raises(FileFormatError, match=r"description: the text holds a lone surrogate"):
        loads(json.dumps(top), "f.json")
