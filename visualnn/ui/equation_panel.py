"""The equation panel: the step just done, written out with its numbers.

Everything sits in one scrolling text view, so a long step never resizes
the dock (and with it the graph, which would have to re-render)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..engine import explain
from ..engine.ops import OPS
from .seen import RefreshWhenSeen

WARNING_COLOUR = "#b3261e"
WRITTEN_KEPT = 4                # the texts of the last steps shown, kept for Left and Right back onto them


class EquationPanel(QWidget, RefreshWhenSeen):
    """Phase, a caption sentence, and the step's equations (``explain``)."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        # plain text: a backward step through a wide layer has dozens of lines,
        # and laying them out as rich text cost more than the rest of the step
        self.browser = QPlainTextEdit()
        self.browser.setReadOnly(True)
        self.browser.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        font = QFont(self.browser.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.browser.setFont(font)
        # an infinite or NaN number: what made it, in a warning colour, above the equations
        self.warning = QLabel()
        self.warning.setTextFormat(Qt.PlainText)
        self.warning.setWordWrap(True)
        pal = self.warning.palette()
        pal.setColor(QPalette.WindowText, QColor(WARNING_COLOUR))
        self.warning.setPalette(pal)
        self.warning.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.warning)
        lay.addWidget(self.browser, 1)
        self._header = ""
        self._caption = ""
        self._lines: list[str] = []
        self._written: list[tuple] = []
        session.sigStateChanged.connect(self.refresh)
        session.sigFormatChanged.connect(self.refresh)
        session.sigDocumentChanged.connect(self.refresh)
        self.refresh()

    def lines(self) -> list[str]:
        """The equations shown, one string per line."""
        return list(self._lines)

    def header(self) -> str:
        return self._header

    def caption(self) -> str:
        return self._caption

    def text(self) -> str:
        """Everything the panel shows."""
        return self.browser.toPlainText()

    def refresh(self, *_):
        if self.unseen_now():
            return
        s = self.session
        st = s.state
        if s.model is None or st is None:
            self._header = self._caption = ""
            self.browser.clear()
            self._lines = []
            return
        g, digits = s.graph, s.digits
        lr, opt = s.stepper.lr_for(st.cycle), s.stepper.optimizer_name     # this pass's update (the schedule)
        key = (st.position, st.cycle, st.index, s.cycle_length, digits, lr, opt)
        # the same step of the same trace reads the same: Left and Right back onto a step shown just before
        written = next((w for step, graph, k, w in self._written if step is st.step and graph is g and k == key),
                       None)
        if written is None:
            written = self._write(st, g, digits, lr, opt)
            self._written = [(st.step, g, key, written)] + self._written[:WRITTEN_KEPT - 1]
        self._header, self._caption, self._lines, text, warning = written
        self.browser.setPlainText(text)
        self.warning.setText(f"⚠ {warning}" if warning else "")
        self.warning.setVisible(bool(warning))

    def _write(self, st, g, digits: int, lr: float, opt: str) -> tuple:
        """(header, caption, equations, the whole text, the warning) of the state shown."""
        header = explain.phase_text(st, self.session.cycle_length)
        caption = explain.caption(st, g, digits, lr, opt)
        lines = explain.equations(st, g, digits, lr, opt)
        text = [header, caption, ""] + lines
        node = st.step.node if st.step is not None else None
        if node is not None and node in g.nodes and not g.nodes[node].is_leaf:
            op = OPS[g.nodes[node].op]
            text += ["", f"{op.name} ({op.symbol}): {op.derivative}"]
        return header, caption, lines, "\n".join(text), explain.non_finite_warning(st, digits)
