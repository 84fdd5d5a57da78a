"""The stepper window's menus and view settings: what the window has, declared
in one place (part of ``MainWindow``, kept in its own module for length)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from ..io import list_examples
from . import text
from .arch_menu import architecture_menu
from .controls import StepperControls
from .graph_view import GraphView
from .session import Session

# Imported when their menu item is first used, not here: the dialogs behind File and Help
# (export, new network, generated data, data and model import with the converters behind
# it, the keys help) and, in main_window, presenting.  None is on the first window, and
# importing them cost about 100 ms of a launch that compiles its modules
# (python -X importtime, PYTHONDONTWRITEBYTECODE=1; tests/ui/test_launch.py keeps them out).
if TYPE_CHECKING:
    from .data_choices import GenerateDataDialog
    from .new_network import NewNetworkDialog

DIGIT_CHOICES = tuple(range(1, 13))      # as the session allows


class WindowMenus(QMainWindow):
    """File, Examples, Edit, Step and View, and the settings they change.
    ``MainWindow`` builds the parts these menus act on (``session``, ``view``,
    ``controls``, ``settings``) before it calls ``_build_menus``; the menu
    items call its commands (``open_dialog``, ``save``, ``present``, ...)."""

    session: Session
    view: GraphView
    controls: StepperControls
    settings: QSettings

    # -- menus -------------------------------------------------------------------------------------
    def _action(self, menu, text, slot=None, shortcut=None, tip=None, checkable=False):
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        if slot is not None:
            (a.toggled if checkable else a.triggered).connect(slot)
        menu.addAction(a)
        return a

    def _build_menus(self):
        mb = self.menuBar()
        self._build_file_menu(mb.addMenu("&File"))
        self.examples_menu = mb.addMenu("E&xamples")
        self.examples_menu.setToolTipsVisible(True)
        self._fill_examples()
        self._build_edit_menu(mb.addMenu("&Edit"))
        st = mb.addMenu("&Step")
        for a in self.controls.actions:
            st.addAction(a)
        self.view_menu = mb.addMenu("&View")
        self._build_view_menu(self.view_menu)
        for a in (self.export_action, self.present_action):
            self.addAction(a)           # the keys work wherever the focus is in the window, menus closed
        self.help_menu = mb.addMenu("&Help")
        self.keys_action = self._action(self.help_menu, "&Keys and mouse…", lambda: self.show_keys(),
                                        QKeySequence.HelpContents,
                                        "Every key and mouse action of the window and the presentation")

    def _build_file_menu(self, f: QMenu):
        self.new_action = self._action(f, "&New network…", lambda: self.new_network(), QKeySequence.New,
                                       "Make a layered network: layers, activations, data, features, "
                                       "how it learns")
        self._action(f, "&Open…", lambda: self.open_dialog(), QKeySequence.Open, "Open a network file")
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        self._action(f, "&Save", lambda: self.save(), QKeySequence.Save, "Save the network with its current values")
        self._action(f, "Save &As…", lambda: self.save_as(), QKeySequence.SaveAs, "Save under a new name")
        self.revert_action = self._action(f, "Re&vert", lambda: self.revert(), None,
                                          "Reload the file, dropping unsaved edits")
        f.addSeparator()
        self.export_action = self._action(f, "&Export…", lambda: self.export(), "Ctrl+E",
                                          "Export a picture, frames, a GIF or MP4 of the steps, "
                                          "or the table of every step")
        self.generate_data_action = self._action(f, "&Generate data…", lambda: self.generate_data(), None,
                                                 "New data for this network: a generated set with its noise, "
                                                 "sample count, test fraction and seed")
        self.import_data_action = self._action(f, "Import &data…", lambda: self.import_data(), None,
                                               "Feed the network samples from a CSV file: a role for each "
                                               "column, bad rows named by line")
        self.import_model_action = self._action(f, "&Import model…", lambda: self.import_model(), None,
                                                "Open a model trained in PyTorch, ONNX or NumPy as a network")
        self.export_torch_action = self._action(f, "Export as &PyTorch…", lambda: self.export_torch(), None,
                                                "Write a PyTorch script that builds and trains this network")
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.Quit, "Quit visualnn")

    def _build_edit_menu(self, e: QMenu):
        undo = self.session.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.Undo)
        redo = self.session.undo_stack.createRedoAction(self, "&Redo")
        # one key: on X11 QKeySequence.Redo is Ctrl+Shift+Z too, and a key bound twice is
        # "ambiguous" to Qt and does nothing
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        e.addAction(undo)
        e.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        e.addSeparator()
        self._action(e, "Edit selected &value…", lambda: self.edit_selected(), "F2",
                     "Edit the selected input, target or parameter")

    def _build_view_menu(self, v: QMenu):
        group = QActionGroup(self)
        self.neuron_action = self._action(v, "&Neuron view", None, "Ctrl+1", "One node per neuron, weights on edges",
                                          checkable=True)
        self.gate_action = self._action(v, "&Gate view", None, "Ctrl+2", "Every multiply and add as its own gate",
                                        checkable=True)
        for a, mode in ((self.neuron_action, "neuron"), (self.gate_action, "gate")):
            group.addAction(a)
            a.triggered.connect(lambda checked, m=mode: self.set_view_mode(m))
        self.neuron_action.setChecked(True)
        v.addSeparator()
        self.lecture_action = self._action(v, "Weights as in the &lecture (white +1, black -1)",
                                           self.session.set_lecture_style, None,
                                           "Draw positive weights white, negative black, leave zero out",
                                           checkable=True)
        self.legend_action = self._action(v, "&Legend", self.view.set_show_legend, None, "Show the colour legend",
                                          checkable=True)
        self.legend_action.setChecked(True)
        self.motion_action = self._action(v, "&Animate steps", self.view.set_motion, None,
                                          "Values travel along their edges, gradients travel back, "
                                          "weight colours fade (skipped while a key is held)", checkable=True)
        self.motion_action.setChecked(True)
        inside = self.view.inside
        self.flags_action = self._action(v, "Flag &stuck units", inside.set_flags_shown, None,
                                         "Mark dead, saturated and exploding units; hover a mark to read why",
                                         checkable=True)
        self.pictures_action = self._action(v, "Neuron &pictures", inside.set_pictures_shown, None,
                                            "Each neuron's output over the input plane (networks with two inputs)",
                                            checkable=True)
        for a in (self.flags_action, self.pictures_action):
            a.setChecked(True)
        self.gradient_flow_action = self._action(v, "&Gradient flow on the graph", inside.gradient_bands.set_shown,
                                                 None, "Behind each layer of weights, its mean |dL/dw| so far in "
                                                 "this pass (hover a band for the number)", checkable=True)
        self._action(v, "&Fit to window", self.view.fit, "Ctrl+0", "Zoom to show the whole network")
        self._action(v, "Zoom &in", lambda: self.view.zoom(1.25), QKeySequence.ZoomIn)
        self._action(v, "Zoom &out", lambda: self.view.zoom(0.8), QKeySequence.ZoomOut)
        self._build_theme_and_digits(v.addMenu("&Theme"), v.addMenu("&Digits"))
        v.addSeparator()
        self.panels_menu = v.addMenu("&Panels")
        v.addSeparator()
        self.present_action = self._action(v, "&Present", lambda: self.present(), Qt.Key_F5,
                                           "Full screen with large type for a lecture hall; PageDown/PageUp step, "
                                           "B blacks out, Esc leaves")
        self.present_action.setToolTip("Present full screen (F5)")

    def _build_theme_and_digits(self, tm: QMenu, dm: QMenu):
        tg = QActionGroup(self)
        self.theme_actions = {}
        for name in ("light", "dark"):
            a = self._action(tm, name.capitalize(), None, None, f"{name.capitalize()} colours", checkable=True)
            a.triggered.connect(lambda checked, n=name: self.set_theme(n))
            tg.addAction(a)
            self.theme_actions[name] = a
        dg = QActionGroup(self)
        self.digit_actions = {}
        for n in DIGIT_CHOICES:
            a = self._action(dm, f"{n} decimals", None, None, f"Show numbers with {n} decimals", checkable=True)
            a.triggered.connect(lambda checked, n=n: self.set_digits(n))
            dg.addAction(a)
            self.digit_actions[n] = a

    def _fill_recent(self):
        self.recent_menu.clear()
        files = self.recent_files()
        for p in files:
            a = self.recent_menu.addAction(text.menu_text(Path(p).name))
            a.setStatusTip(text.one_line(p))
            a.setToolTip(text.tooltip(p))
            a.triggered.connect(lambda checked=False, p=p: self.open_file(p))
        if not files:
            a = self.recent_menu.addAction("(none yet)")
            a.setEnabled(False)

    def _fill_examples(self):
        self.examples_menu.clear()
        self.example_actions: list[QAction] = []
        try:
            examples = list_examples()
        except OSError as err:
            a = self.examples_menu.addAction(f"(examples not found: {err})")
            a.setEnabled(False)
            return
        for path, title, desc in examples:
            a = self.examples_menu.addAction(text.menu_text(f"{title}  [{path.stem}]"))
            a.setToolTip(text.tooltip(text.shorten(desc, 400) or title))
            a.setStatusTip(text.one_line(desc.split(". ")[0] if desc else title, 200))
            a.setData(str(path))
            a.triggered.connect(lambda checked=False, p=path: self.open_file(p))
            self.example_actions.append(a)

    # -- the commands behind the menus (their modules imported on first use: see the imports) -----
    def export(self):
        """File > Export…: a picture, frames, a GIF or MP4 of the steps, or the table of every step."""
        from .export import run_export_dialog
        return run_export_dialog(self)

    def import_data(self):
        """File > Import data…: samples from a CSV file."""
        from .import_data import import_data_file
        return import_data_file(self)

    def import_model(self):
        """File > Import model…: a PyTorch, ONNX or NumPy model as a network."""
        from .model_files import import_model_file
        return import_model_file(self)

    def export_torch(self):
        """File > Export as PyTorch…: a script that builds and trains this network."""
        from .model_files import export_torch_file
        return export_torch_file(self)

    def show_keys(self):
        """Help > Keys and mouse…"""
        from .help import show_keys
        return show_keys(self)

    # -- making and editing a network ---------------------------------------------------------------
    def new_network(self) -> NewNetworkDialog | None:
        """File > New network…: the dialog (window-modal); on OK the network opens at step 0, untitled."""
        if not self.maybe_save():
            return None
        from .new_network import NewNetworkDialog
        dialog = NewNetworkDialog(self)
        dialog.accepted.connect(lambda: self.show_new(dialog.document))
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def show_new(self, document) -> None:
        """Show a network made here: unsaved until the user saves it."""
        self.session.set_document(document, unsaved=True)
        self.view.fit()
        self._update_title()
        self.statusBar().showMessage("A new network, untitled: File > Save keeps it; right-click the graph to "
                                     "change it", 8000)

    def generate_data(self) -> GenerateDataDialog | None:
        """File > Generate data…: new generated data for the open network (one undo step)."""
        m = self.session.model
        if m is None or not m.graph.inputs or not m.graph.targets:
            self.statusBar().showMessage("Data is generated for a network with inputs and targets", 8000)
            return None
        from .data_choices import GenerateDataDialog
        dialog = GenerateDataDialog(m, self)
        dialog.accepted.connect(lambda: dialog.result and self.session.core.set_generated_data(*dialog.result))
        self.data_dialog = dialog
        dialog.open()
        return dialog

    def graph_menu(self, what, global_pos=None):
        """The right-click menu for what is under the pointer (see ``arch_menu``)."""
        menu = architecture_menu(self, what, self)
        if menu is not None and global_pos is not None:
            menu.popup(global_pos)
        return menu

    # -- view settings -----------------------------------------------------------------------------
    def set_theme(self, name: str):
        self.view.set_theme(name)
        self.plot_panels.set_theme(name)
        self.theme_actions[name].setChecked(True)
        app = QApplication.instance()
        if app is not None:
            app.setPalette(_palette(name))
        self.settings.setValue("theme", name)

    def set_digits(self, n: int):
        self.session.set_digits(n)
        self._sync_digit_actions()
        self.settings.setValue("digits", self.session.digits)

    def _sync_digit_actions(self):
        a = self.digit_actions.get(self.session.digits)
        if a is not None:
            a.setChecked(True)

    def set_view_mode(self, mode: str) -> bool:
        ok = self.session.set_view_mode(mode)
        if not ok:
            self._gate_refused()
        self._sync_view_actions()
        return ok

    def _gate_refused(self):
        self.statusBar().showMessage("This network is too large for the gate view: it would need more gates "
                                     "than can be drawn one by one. Use the neuron view.", 8000)

    def _sync_view_actions(self):
        self.neuron_action.setChecked(self.session.view_mode == "neuron")
        self.gate_action.setChecked(self.session.view_mode == "gate")
        self.gate_action.setEnabled(self.session.model is not None and self.session.gate_available())



def _palette(name: str) -> QPalette:
    if name != "dark":
        app = QApplication.instance()
        return app.style().standardPalette() if app is not None else QPalette()
    p = QPalette()
    base, alt, text = QColor("#2b2d31"), QColor("#232427"), QColor("#e8e8e8")
    p.setColor(QPalette.Window, QColor("#1e1f22"))
    p.setColor(QPalette.WindowText, text)
    p.setColor(QPalette.Base, base)
    p.setColor(QPalette.AlternateBase, alt)
    p.setColor(QPalette.Text, text)
    p.setColor(QPalette.Button, QColor("#2b2d31"))
    p.setColor(QPalette.ButtonText, text)
    p.setColor(QPalette.ToolTipBase, base)
    p.setColor(QPalette.ToolTipText, text)
    p.setColor(QPalette.Highlight, QColor("#4477aa"))
    p.setColor(QPalette.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.PlaceholderText, QColor("#a0a0a0"))
    p.setColor(QPalette.Disabled, QPalette.Text, QColor("#777777"))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#777777"))
    p.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#777777"))
    return p
