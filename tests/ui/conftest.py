import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _temp_settings(tmp_path, monkeypatch):
    """Every test writes its QSettings (recent files, theme, geometry) under tmp_path."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    yield


class Dialogs:
    """Stands in for QMessageBox: records what would have been shown."""

    def __init__(self):
        self.shown: list[tuple[str, str, str]] = []
        self.answer = None

    def make(self, kind, default_answer):
        def show(parent, title, text, *args, **kwargs):
            self.shown.append((kind, title, text))
            return self.answer if self.answer is not None else default_answer
        return show


@pytest.fixture
def dialogs(monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    d = Dialogs()
    monkeypatch.setattr(QMessageBox, "critical", d.make("critical", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "warning", d.make("warning", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "information", d.make("information", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "question", d.make("question", QMessageBox.Discard))
    from visualnn.ui import text
    answers = {"critical": QMessageBox.Ok, "warning": QMessageBox.Ok, "information": QMessageBox.Ok,
               "question": QMessageBox.Discard}
    monkeypatch.setattr(text, "ask", lambda parent, kind, title, body, *args, **kwargs:
                        d.make(kind, answers[kind])(parent, title, body))
    return d


@pytest.fixture
def window(qtbot, dialogs, tmp_path):
    """The real stepper window on the bundled 2-2-2 example."""
    from visualnn.app import create_window
    from visualnn.ui.main_window import default_settings
    win = create_window(None, settings=default_settings())
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.view.setFocus()
    win.session.mark_saved()
    yield win
    win.session.mark_saved()        # closing must not ask


@pytest.fixture
def shown(qtbot):
    """``shown(widget, width, height)``: the widget on screen at that size, exposed."""
    def show(widget, width: int, height: int):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return show
