"""The equation panel: the step just done, written out with its numbers.

Everything sits in one scrolling text view, so a long step never resizes
the dock (and with it the graph, which would have to re-render)."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ..engine import explain


class EquationPanel(QWidget):
    """Phase, a caption sentence, and the step's equations (``explain``)."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.browser, 1)
        self._header = ""
        self._caption = ""
        self._lines: list[str] = []
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
        """Everything the panel shows, as plain text."""
        return "\n".join([self._header, self._caption] + self._lines)

    def refresh(self, *_):
        s = self.session
        st = s.state
        if s.model is None or st is None:
            self._header = self._caption = ""
            self.browser.clear()
            self._lines = []
            return
        g, digits = s.graph, s.digits
        lr, opt = s.learning_rate, s.stepper.optimizer_name
        self._header = explain.phase_text(st, s.cycle_length)
        self._caption = explain.caption(st, g, digits, lr, opt)
        self._lines = explain.equations(st, g, digits, lr, opt)
        body = [f"<div style='font-weight:bold'>{html.escape(self._header)}</div>",
                f"<div style='margin:3px 0 6px 0'>{html.escape(self._caption)}</div>"]
        for line in self._lines:
            if not line:
                body.append("<div style='height:6px'></div>")
            else:
                body.append(f"<div style='margin:2px 0'>{html.escape(line)}</div>")
        node = st.step.node if st.step is not None else None
        if node is not None and node in g.nodes and not g.nodes[node].is_leaf:
            from ..engine.ops import OPS
            op = OPS[g.nodes[node].op]
            body.append(f"<p style='color:gray'>{html.escape(op.name)} ({html.escape(op.symbol)}): "
                        f"{html.escape(op.derivative)}</p>")
        self.browser.setHtml("<div style='font-size:11pt'>" + "".join(body) + "</div>")
