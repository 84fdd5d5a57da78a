"""The stepper window: assembles the graph, the controls and the docks, and wires them.

No maths here: the session forwards to the engine, the panels show.  Other
panels plug in with ``add_dock(name, widget, area)``, which also adds a
toggle to the View menu.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from ..io import Document, FileFormatError, SaveError, load, save
from ..io.saving import ChangedOnDiskError, ReadOnlyFileError
from . import text
from .arch_toolbar import ArchitectureToolbar
from .controls import StepperControls
from .equation_panel import EquationPanel
from .graph_view import GraphView
from .inspector import Inspector
from .plots import install_plot_panels
from .seen import SeenAware
from .session import Session
from .window_menus import DIGIT_CHOICES, WindowMenus

if TYPE_CHECKING:          # presenting is imported when first asked for (see window_menus' imports)
    from .present import PresentationWindow

ORGANIZATION = "visualnn"
APPLICATION = "visualnn"
MAX_RECENT = 8
FILE_FILTER = "visualnn networks (*.json);;All files (*)"
GRAPH_SHARE = 0.6           # of the window's area the graph keeps, whatever layout is restored
STATE_VERSION = 4           # of saveState(): a layout saved by an older version is not restored
EQUATION_LINES = 6          # the strip under the graph on first launch, in lines of equations
INSPECTOR_FRACTION = 0.45  # of the strip under the graph
SIDE_FRACTION = 0.3         # the plot panels' column on the right, when first opened
SIDE_RANGE = (340, 560)     # ... within these pixels
HEADLESS_PLATFORMS = ("offscreen", "minimal")    # no one can see, or answer, a dialog there


def default_settings() -> QSettings:
    """The app's settings (an INI file; tests point ``QSettings.setPath`` at a temp folder)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APPLICATION)


class MainWindow(WindowMenus):
    def __init__(self, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings if settings is not None else default_settings()
        self.session = Session(parent=self)
        self.view = GraphView(self.session)
        self.setCentralWidget(self.view)
        self.controls = StepperControls(self.session, self)
        self.stepping_toolbar = self.controls.toolbar(self)
        self.addToolBar(Qt.TopToolBarArea, self.stepping_toolbar)
        self.docks: dict[str, QDockWidget] = {}
        self.presentation: PresentationWindow | None = None     # while presenting (F5)
        self._build_menus()
        # the graph takes the whole width and most of the height: the equations and the
        # inspector share a strip a few lines tall under it; the plot panels open on the
        # right (View > Panels), tabbed together
        self.equations = EquationPanel(self.session)
        self.add_dock("Equations", self.equations, Qt.BottomDockWidgetArea)
        self.inspector = Inspector(self.session)
        self.add_dock("Inspector", self.inspector, Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["Equations"], self.docks["Inspector"], Qt.Horizontal)
        self.inspector.sigEditRequested.connect(self.edit_value)
        self.plot_panels = install_plot_panels(self)     # each built when first shown
        self._side_sized = False
        for name in self.plot_panels:
            self.docks[name].visibilityChanged.connect(self._plot_dock_shown)
        self.view.sigNodeDoubleClicked.connect(self._node_double_clicked)
        self.view.sigEdgeDoubleClicked.connect(self._edge_double_clicked)
        self.view.sigContextMenu.connect(self.graph_menu)
        self.network_toolbar = ArchitectureToolbar(self)   # + and − for neurons and layers, an activation each
        self.addToolBarBreak(Qt.TopToolBarArea)
        self.addToolBar(Qt.TopToolBarArea, self.network_toolbar)
        s = self.session
        s.sigDirtyChanged.connect(lambda dirty: self.setWindowModified(dirty))
        s.sigDocumentChanged.connect(self._update_title)
        s.sigDocumentChanged.connect(self._sync_view_actions)
        s.sigViewModeChanged.connect(lambda _: self._sync_view_actions())
        s.sigFormatChanged.connect(self._sync_digit_actions)
        s.sigLectureStyleChanged.connect(self.lecture_action.setChecked)
        self.statusBar()        # made now, not by the first message: the graph is laid out once, at its final size
        self.setGeometry(default_geometry(self._screen_geometry()))
        self._layout_pending = not self._restore_settings()
        self._side_sized = not self._layout_pending
        self._graph_checked = False
        self._update_title()

    # -- docks ------------------------------------------------------------------------------------
    def add_dock(self, name: str, widget: QWidget, area=Qt.RightDockWidgetArea) -> QDockWidget:
        """Dock ``widget`` under the title ``name`` and add a View-menu toggle for it."""
        dock = QDockWidget(name, self)
        dock.setObjectName(f"dock:{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if isinstance(widget, SeenAware):
            # a dock behind another tab is covered, not hidden: tell the panel, so it can wait
            dock.visibilityChanged.connect(widget.set_seen)
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide the {name} panel")
        self.panels_menu.addAction(toggle)
        self.docks[name] = dock
        return dock

    # -- settings ------------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        v = self.settings.value("recentFiles", [])
        if isinstance(v, str):
            v = [v]
        return [str(x) for x in (v or [])]

    def _add_recent(self, path):
        p = str(Path(path).resolve())
        files = [f for f in self.recent_files() if f != p]
        files.insert(0, p)
        self.settings.setValue("recentFiles", files[:MAX_RECENT])

    def _screen_geometry(self, rect: QRect | None = None) -> QRect:
        """The available geometry of the screen showing ``rect`` (default: the primary screen)."""
        screen = None
        if rect is not None:
            screen = QGuiApplication.screenAt(rect.center())
        if screen is None:
            screen = QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)

    def _restore_settings(self) -> bool:
        """Geometry, docks, theme and digits as last saved; True when the dock layout was restored."""
        s = self.settings
        geom = s.value("geometry")
        if geom is not None and self.restoreGeometry(geom):
            # the screen may have changed since (a projector, a smaller laptop)
            self.setGeometry(clamp_geometry(self.geometry(), self._screen_geometry(self.geometry())))
        state = s.value("windowState")
        restored = False
        if state is not None:
            try:
                restored = bool(self.restoreState(state, STATE_VERSION))
            except TypeError:                  # not a QByteArray: a damaged settings file
                restored = False
        self.set_theme(str(s.value("theme", "light")) if s.value("theme", "light") in ("light", "dark") else "light")
        try:
            digits = int(s.value("digits", self.session.digits))
        except (TypeError, ValueError):
            digits = self.session.digits
        self.set_digits(digits if digits in DIGIT_CHOICES else 4)
        return restored

    def apply_default_layout(self):
        """The first-launch layout: the graph the whole width; under it a strip
        a few lines tall, the equations beside the inspector."""
        eq, ins = self.docks["Equations"], self.docks["Inspector"]
        line = self.equations.browser.fontMetrics().lineSpacing()
        self.resizeDocks([eq], [max((EQUATION_LINES + 2) * line + 16, ins.widget().minimumSizeHint().height())],
                         Qt.Vertical)
        w = self.width()
        self.resizeDocks([eq, ins], [int(w * (1 - INSPECTOR_FRACTION)), int(w * INSPECTOR_FRACTION)], Qt.Horizontal)

    def _plot_dock_shown(self, visible: bool):
        # the first plot panel opened on the right takes about a third of the width (a
        # restored layout keeps its own sizes)
        dock = self.sender()
        if not visible or self._side_sized or dock is None or dock.isFloating():
            return
        if self.dockWidgetArea(dock) == Qt.RightDockWidgetArea:
            self._side_sized = True
            side = int(min(SIDE_RANGE[1], max(SIDE_RANGE[0], SIDE_FRACTION * self.width())))
            self.resizeDocks([dock], [side], Qt.Horizontal)

    def showEvent(self, event):
        super().showEvent(event)
        if self._layout_pending:
            # dock sizes apply to the laid-out window, so on the first show
            self._layout_pending = False
            self._graph_checked = True      # a later show (Qt re-creating the window for the 3-D
            self.apply_default_layout()     # view's OpenGL) must not close the panels just opened
        elif not self._graph_checked:
            self._graph_checked = True
            QTimer.singleShot(0, self.keep_graph_large)

    def keep_graph_large(self):
        """A restored layout (saved on a bigger screen, every panel open) never leaves
        the graph less than GRAPH_SHARE of the window: the plot panels close and the
        first-launch layout comes back."""
        if self.view.width() * self.view.height() >= GRAPH_SHARE * self.width() * self.height():
            return
        plots = set(iter(self.plot_panels))        # (a lookup would build the panel)
        for name, dock in self.docks.items():
            if name in plots:
                dock.hide()
        self.apply_default_layout()

    def _save_settings(self):
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState(STATE_VERSION))
        self.settings.setValue("theme", self.view.theme.name)
        self.settings.setValue("digits", self.session.digits)
        self.settings.sync()

    # -- documents --------------------------------------------------------------------------------
    def _update_title(self):
        s = self.session
        name = Path(s.path).name if s.path else "untitled"
        title = s.title or name
        self.setWindowTitle(f"{text.window_title(title)} — {text.window_title(name)}[*] — visualnn"
                            if s.model is not None else "visualnn")
        self.setWindowModified(s.dirty)
        self.revert_action.setEnabled(s.path is not None)

    def show_model(self, model, document=None):
        """Show a model (or an io Document); the view mode, digits and weight
        style come from the document's ``view`` section when it has one."""
        if document is not None:
            self.session.set_document(document)        # with the file's view section
            if (document.view or {}).get("mode") == "gate" and self.session.view_mode != "gate":
                self._gate_refused()
        else:
            self.session.set_model(model)
        self.view.fit()

    def open_file(self, path) -> bool:
        """Open a network file; on a bad file show what is wrong and keep the current one."""
        if not self.maybe_save():
            return False
        doc = self._load_or_say(path)
        return doc is not None and self._show_loaded(doc, path)

    def _load_or_say(self, path):
        """The document at ``path``, or None after saying why it cannot be opened."""
        try:
            return load(path)
        except FileFormatError as err:
            self._guard_modal()
            text.critical(self, "Cannot open file", f"{path} is not a valid visualnn file:\n\n{err}")
        except OSError as err:
            self._guard_modal()
            text.critical(self, "Cannot open file", f"{path}: {err.strerror or err}")
        return None

    def _show_loaded(self, doc, path) -> bool:
        try:
            self.show_model(doc.model, doc)
        except (ValueError, KeyError, ArithmeticError) as err:
            self._guard_modal()
            text.critical(self, "Cannot show file", f"{path}: {err}")
            return False
        self._add_recent(path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def open_dialog(self):
        start = str(Path(self.session.path).parent) if self.session.path else ""
        self._guard_modal()
        path, _ = QFileDialog.getOpenFileName(self, "Open network", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def save(self) -> bool:
        if self.session.path is None:
            return self.save_as()
        return self._save_to(self.session.path)

    def save_as(self, path=None) -> bool:
        if path is None:
            start = str(self.session.path or "network.json")
            self._guard_modal()
            path, _ = QFileDialog.getSaveFileName(self, "Save network as", start, FILE_FILTER)
            if not path:
                return False
        return self._save_to(path)

    def _save_to(self, path, replace_changed: bool = False) -> bool:
        s = self.session
        doc = s.document if s.document is not None else Document(model=s.model)
        doc.view = s.view_section(doc.view)          # the view as shown now, not as it was opened
        try:
            written = save(doc, path, replace_changed=replace_changed)
        except ReadOnlyFileError as err:
            self._guard_modal()
            answer = text.ask(self, "question", "Read-only file", f"{err}.\n\nSave under another name?",
                              QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Yes, {QMessageBox.Yes: "Save As…"})
            return answer == QMessageBox.Yes and self.save_as()
        except ChangedOnDiskError as err:
            self._guard_modal()
            answer = text.ask(self, "question", "File changed on disk",
                              f"{err}.\n\nReplace it with the network shown here, or save under another name?",
                              QMessageBox.Yes | QMessageBox.No | QMessageBox.Cancel, QMessageBox.Cancel,
                              {QMessageBox.Yes: "Replace", QMessageBox.No: "Save As…"})
            if answer == QMessageBox.Yes:
                return self._save_to(path, replace_changed=True)
            return answer == QMessageBox.No and self.save_as()
        except (SaveError, OSError, ValueError) as err:
            self._guard_modal()
            text.critical(self, "Cannot save", f"{path}: {err}")
            return False
        doc.path = Path(written) if written is not None else Path(path)
        s.document = doc
        s.mark_saved()
        self._add_recent(doc.path)
        self._update_title()
        self.statusBar().showMessage(f"Saved {doc.path}", 5000)
        return True

    def revert(self) -> bool:
        path = self.session.path
        if path is None:
            return False
        if self.session.dirty:
            self._guard_modal()
            answer = text.ask(self, "question", "Revert", f"Drop the unsaved edits and reload {Path(path).name}?",
                              QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return False
        doc = self._load_or_say(path)
        if doc is None:
            return False                  # the edits stay on screen, still unsaved: closing asks
        self.session.mark_saved()
        return self._show_loaded(doc, path)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current network (saved, discarded, or no edits)."""
        if not self.session.dirty:
            return True
        self._guard_modal()
        name = text.isolate(self.session.title or "The network")
        answer = text.ask(
            self, "question", "Unsaved edits", f"{name} has unsaved edits. Save them?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def closeEvent(self, event):
        if not self.maybe_save():
            event.ignore()
            return
        self.controls.set_playing(False)
        # no training run, surface or marble outlives the window (nor pushes edits into it)
        for panel in self.plot_panels.created().values():
            panel.shutdown()
        self.view.inside.shutdown()
        self._save_settings()
        event.accept()

    def _guard_modal(self):
        """Where nobody can see a dialog (the offscreen and minimal platforms: tests,
        exports), the modal dialog this window is about to open is dismissed as soon as
        it shows, as if Escape were pressed (Cancel: nothing is lost).  A question nobody
        can answer would otherwise wait forever: closing a window with unsaved edits at
        the end of a test did, hanging the whole run where no timeout could stop it."""
        if QGuiApplication.platformName() in HEADLESS_PLATFORMS:
            QTimer.singleShot(0, self, self._dismiss_modal)

    def _dismiss_modal(self):
        w = QApplication.activeModalWidget()
        if not isinstance(w, QDialog) or w.parentWidget() is not self:
            return
        esc = w.escapeButton() if isinstance(w, QMessageBox) else None
        if esc is not None:
            esc.click()
        else:
            w.reject()

    # -- presenting ------------------------------------------------------------------------------
    def present(self) -> PresentationWindow | None:
        """View > Present (F5): the network full screen; Esc comes back here."""
        if self.session.model is None:
            return None
        if self.presentation is not None and self.presentation.isVisible():
            return self.presentation
        self.controls.set_playing(False)
        from .present import open_presentation
        self.presentation = open_presentation(self.session, self)
        self.presentation.sigClosed.connect(self._presentation_closed)
        return self.presentation

    def _presentation_closed(self):
        self.presentation = None
        self.plot_panels.set_theme(self.plot_panels.theme)     # the slides' plots were light
        self.activateWindow()

    # -- editing values ------------------------------------------------------------------------------
    def ask_value(self, name: str, current: float) -> float | None:
        """Ask for a new value (a dialog; tests patch ``QInputDialog.getDouble``)."""
        self._guard_modal()
        value, ok = QInputDialog.getDouble(self, "Edit value", text.markup("New value of {}:", name), current,
                                           -1e12, 1e12, 9)
        return float(value) if ok else None

    def edit_value(self, name: str) -> bool:
        s = self.session
        if s.model is None or not s.editable(name):
            return False
        v = self.ask_value(name, s.value_of(name))
        if v is None or not math.isfinite(v):
            return False
        s.edit_value(name, v)
        return True

    def edit_selected(self) -> bool:
        sel = self.session.selection
        if not sel:
            return False
        it = sel[-1]
        if isinstance(it, str):
            return self.edit_value(it)
        return self.edit_value(it[2] if it[2] is not None else it[0])

    def _node_double_clicked(self, name: str):
        if self.session.editable(name):
            self.edit_value(name)

    def _edge_double_clicked(self, src: str, dst: str):
        p = self.session.edge_param(src, dst)
        if p is not None:
            self.edit_value(p)


def default_geometry(available: QRect) -> QRect:
    """The window on first launch: the available screen, less room for a
    window manager's title bar and border (a lecturer maximises it anyway)."""
    side = min(8, available.width() // 100)
    top = min(32, available.height() // 25)
    return available.adjusted(side, top, -side, -side)


def clamp_geometry(rect: QRect, available: QRect) -> QRect:
    """``rect`` moved and shrunk as little as needed to lie within ``available``."""
    w = min(rect.width(), available.width())
    h = min(rect.height(), available.height())
    x = min(max(rect.x(), available.x()), available.x() + available.width() - w)
    y = min(max(rect.y(), available.y()), available.y() + available.height() - h)
    return QRect(x, y, w, h)
