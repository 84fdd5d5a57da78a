"""File > Import data…: a CSV file's first rows, a role for each column
(feature, target or ignore), the rows that will be left out named by line;
on OK the network is fed the data (one undo step on the session model)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..engine.architecture import ArchitectureError
from ..io import FileFormatError
from ..io.table import PREVIEW_ROWS, ROLES, Imported, Table, guess_roles, read_table, take_columns
from . import text
from .text import plain_label, set_plain

SKIPPED_SHOWN = 8           # bad rows listed by line; the rest are counted


class ImportDataDialog(QDialog):
    """The preview and the column roles; ``imported`` holds the samples taken on OK."""

    def __init__(self, table: Table, parent=None):
        super().__init__(parent)
        self.setWindowTitle(text.window_title(f"Import data — {Path(table.name).name}"))
        self.table = table
        self.imported: Imported | None = None
        n = len(table.header)
        self.preview = QTableWidget(1 + min(PREVIEW_ROWS, len(table.rows)), n)
        self.preview.setHorizontalHeaderLabels([text.one_line(h, 40) for h in table.header])
        self.preview.setVerticalHeaderLabels(["role"] + [f"line {line}" for line, _ in table.rows[:PREVIEW_ROWS]])
        self.roles: list[QComboBox] = []
        for k, role in enumerate(guess_roles(table)):
            combo = QComboBox()
            combo.addItems(ROLES)
            combo.setCurrentText(role)
            combo.currentIndexChanged.connect(self._on_roles_change)
            self.preview.setCellWidget(0, k, combo)
            self.roles.append(combo)
        for i, (_, row) in enumerate(table.rows[:PREVIEW_ROWS], start=1):
            for k in range(n):
                self.preview.setItem(i, k, QTableWidgetItem(text.one_line(row[k], 40) if k < len(row) else ""))
        self.summary = plain_label("")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(plain_label(f"{len(table.rows):,} rows. Give each column a role: its values become "
                                  f"an input (feature) or a target of the network, or are left out."))
        lay.addWidget(self.preview)
        lay.addWidget(self.summary)
        lay.addWidget(self.buttons)
        self.resize(720, 520)
        self._on_roles_change()

    def role_list(self) -> list[str]:
        return [c.currentText() for c in self.roles]

    def _on_roles_change(self):
        """Say what OK would take, and which rows it would leave out."""
        try:
            got = take_columns(self.table, self.role_list())
        except FileFormatError as err:
            self.imported = None
            set_plain(self.summary, str(err))
            self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)
            return
        self.imported = got
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(True)
        set_plain(self.summary, describe(got))


def describe(got: Imported) -> str:
    """What an import takes, and each row it leaves out by its line."""
    n = len(next(iter(got.columns.values())))
    lines = [f"{n:,} samples: inputs {', '.join(got.features)}; target {', '.join(got.targets)}."]
    if got.skipped:
        lines.append(f"{len(got.skipped)} row(s) left out:")
        lines += [f"  {p.place}: {p.message}" for p in got.skipped[:SKIPPED_SHOWN]]
        if len(got.skipped) > SKIPPED_SHOWN:
            lines.append(f"  … and {len(got.skipped) - SKIPPED_SHOWN} more")
    return "\n".join(lines)


def import_data_file(window, path=None) -> ImportDataDialog | None:
    """Choose a CSV file (unless ``path``), show the dialog (window-modal); on OK feed the network."""
    if window.session.model is None or window.session.model.spec is None:
        text.critical(window, "Import data", "Data can be imported into a layered network: make one with "
                                             "File > New network… or open one first.")
        return None
    if path is None:
        window._guard_modal()
        path, _ = QFileDialog.getOpenFileName(window, "Import data", "", "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if not path:
            return None
    try:
        table = read_table(path)
    except FileFormatError as err:
        text.critical(window, "Cannot import data", str(err))
        return None
    dialog = ImportDataDialog(table, window)
    dialog.accepted.connect(lambda: _feed(window, dialog))
    window.import_dialog = dialog
    dialog.open()
    return dialog


def _feed(window, dialog: ImportDataDialog) -> None:
    got = dialog.imported
    if got is None:
        return
    try:
        window.session.core.import_data(got.columns, got.features, got.targets,
                                        f"import {Path(dialog.table.name).name}")
    except ArchitectureError as err:
        text.critical(window, "Cannot import data", f"{dialog.table.name}: {err}")
        return
    window.view.fit()
    window.statusBar().showMessage(text.one_line(describe(got)), 15000)
