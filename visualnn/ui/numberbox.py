"""A number box that shows a value at full precision and changes it only when asked.

``QDoubleSpinBox`` rounds its value to its decimals (0.123456789 becomes 0.1235)
and clamps to its range (500 becomes 100), and on losing focus it commits
whatever it shows, so clicking into it and out again rewrote a file's
learning rate and marked the file edited. ``ExactNumberBox`` shows the value as
given (shortest round-trip text), emits ``sigCommitted`` only for a number the
user typed (and confirmed with Enter or by leaving the box) or stepped with
the arrows, and refuses a typed number outside its range, restoring the value.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

STEP_DECIMALS = 12          # the spin box's own granularity; the value itself is kept exactly


def number_text(v: float) -> str:
    """``v`` in the fewest digits that read back as exactly ``v``."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


class ExactNumberBox(QDoubleSpinBox):
    sigCommitted = Signal(float)

    def __init__(self, lo: float, hi: float, parent=None):
        self._exact = float(lo)              # before Qt asks for a text
        self._typed = False
        super().__init__(parent)
        self.setDecimals(STEP_DECIMALS)
        self.setRange(lo, hi)
        self.setKeyboardTracking(False)
        self.lineEdit().textEdited.connect(self._on_typed)
        self.editingFinished.connect(self._finish)
        self.valueChanged.connect(self._on_value)

    def exact(self) -> float:
        return self._exact

    def show_value(self, v: float) -> None:
        """Show ``v`` (from the model) without committing anything."""
        self._exact = float(v)
        self._typed = False
        with QSignalBlocker(self):
            self.setValue(min(max(self._exact, self.minimum()), self.maximum()))
        self.lineEdit().setText(number_text(self._exact))

    # -- Qt's conversions: the exact value, not the rounded one ---------------------------------
    def textFromValue(self, v: float) -> str:
        if abs(v - self._exact) <= 10.0 ** -STEP_DECIMALS * max(1.0, abs(v)):
            v = self._exact
        return number_text(v)

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self._exact

    def validate(self, text: str, pos: int):
        t = text.strip()
        try:
            v = float(t)
        except ValueError:
            return QValidator.Intermediate, text, pos          # "1e", "-", "" on the way to a number
        ok = math.isfinite(v) and self.minimum() <= v <= self.maximum()
        return (QValidator.Acceptable if ok else QValidator.Intermediate), text, pos

    def fixup(self, text: str) -> str:
        return number_text(self._exact)                        # what cannot be used: the value stays

    # -- what the user does ---------------------------------------------------------------------
    def _on_typed(self, _text: str) -> None:
        self._typed = True

    def _finish(self) -> None:
        if not self._typed:                  # focus in and out, typing nothing: nothing changes
            self.show_value(self._exact)
            return
        self._typed = False
        try:
            v = float(self.lineEdit().text().strip())
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and self.minimum() <= v <= self.maximum()):
            self.show_value(self._exact)
            return
        if v != self._exact:
            self._exact = v
            self.sigCommitted.emit(v)

    def stepBy(self, steps: int) -> None:
        self._typed = False                  # the arrows: the stepped value, through _on_value
        super().stepBy(steps)

    def _on_value(self, v: float) -> None:
        """The arrows, the wheel or a program's setValue (a typed number goes through _finish)."""
        if self._typed or abs(v - self._exact) <= 10.0 ** -STEP_DECIMALS * max(1.0, abs(v)):
            return                           # the exact value, as the box rounds it: no change
        self._exact = v
        self.sigCommitted.emit(v)
