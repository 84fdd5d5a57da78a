"""The inspector: what is selected, its value and gradient, and a finite-difference check."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..engine import explain
from ..engine.features import class_probabilities
from ..engine.gradcheck import TOLERANCE, numerical_gradient, relative_error
from ..engine.ops import OPS
from .seen import RefreshWhenSeen
from .text import plain_label


def numerical(graph, params, sample, name) -> float:
    """d objective / d ``name`` for the one sample traced: the engine's gradient
    check (parameters, feeds, and a nudged value for a node inside the graph)."""
    d = numerical_gradient(graph, params, sample, name)
    return float(d if isinstance(d, float) else d.reshape(-1)[0])


FROZEN = " (frozen: training and the update leave it)"


def class_text(graph, values, digits: int) -> str:
    """Each class's probability for the sample traced (multi-class networks, once
    the outputs are computed), the most likely class named."""
    p = class_probabilities(graph, values)
    if p is None:
        return ""
    best = max(range(len(p)), key=p.__getitem__)
    return "  ".join(f"{k}: {explain.fmt(v, digits)}" for k, v in enumerate(p)) + f"   (class {best})"


class Inspector(QWidget, RefreshWhenSeen):
    """Shows the last selected node or edge; ``sigEditRequested(name)`` asks to edit a value."""
    sigEditRequested = Signal(str)

    FIELDS = ("what", "kind", "derivative", "value", "gradient", "numerical", "difference", "classes")

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.fields: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        titles = {"what": "Selected", "kind": "Kind", "derivative": "Local derivative", "value": "Value",
                  "gradient": "Gradient (backprop)", "numerical": "Finite difference",
                  "difference": "Relative difference", "classes": "Class probabilities"}
        # two columns of label and value: a few lines tall, it sits in the strip under the graph
        grid = QGridLayout()
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        places = {"what": (0, 0), "kind": (1, 0), "derivative": (2, 0),
                  "value": (0, 2), "gradient": (1, 2), "numerical": (2, 2), "difference": (3, 2),
                  "classes": (4, 2)}
        for f in self.FIELDS:
            lab = plain_label()
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
            lab.setMinimumWidth(60)
            self.fields[f] = lab
            r, c = places[f]
            title = plain_label(titles[f] + ":")
            title.setAlignment(Qt.AlignRight | Qt.AlignTop)
            self.titles[f] = title
            grid.addWidget(title, r, c)
            grid.addWidget(lab, r, c + 1)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        self.edit_button = QPushButton("Edit value…")
        self.edit_button.clicked.connect(self._edit)
        grid.addWidget(self.edit_button, 3, 0, 1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(grid)
        lay.addStretch(1)
        self._target: str | None = None           # the value an edit would change
        self._num_for = None                       # (name, trace, finite difference) last computed
        for sig in (session.sigSelectionChanged, session.sigStateChanged, session.sigFormatChanged,
                    session.sigDocumentChanged):
            sig.connect(self.refresh)
        self.refresh()

    def field(self, name: str) -> str:
        return self.fields[name].text()

    def _edit(self):
        if self._target is not None:
            self.sigEditRequested.emit(self._target)

    def refresh(self, *_):
        if self.unseen_now():
            return
        texts = {f: "" for f in self.FIELDS}
        self._target = None
        try:
            self._compute(texts)
        finally:
            # only what changed: a label given a new text lays the window out again
            for f, text in texts.items():
                if self.fields[f].text() != text:
                    self.fields[f].setText(text)
            self.edit_button.setEnabled(self._target is not None)
            for f in ("classes",):                       # shown for multi-class networks only
                self.titles[f].setVisible(bool(texts[f]))
                self.fields[f].setVisible(bool(texts[f]))
            label = f"Edit {self._target}…" if self._target is not None else "Edit value…"
            if self.edit_button.text() != label:
                self.edit_button.setText(label)

    def _compute(self, out: dict):
        """Fill ``out`` (field -> text) for the last selected item."""
        s = self.session
        if s.model is not None and s.state is not None:
            out["classes"] = class_text(s.graph, s.state.values, s.digits)
        if s.model is None or not s.selection or s.state is None:
            out["what"] = "nothing — click a node or an edge"
            return
        item = s.selection[-1]
        tr = s.stepper.trace(s.state.cycle)
        if isinstance(item, str):
            if item not in s.graph.nodes:
                return
            name, backprop = self._describe_node(out, item, tr)
        else:
            name, backprop = self._describe_edge(out, item, tr)
        self._check_gradient(out, name, backprop, tr)

    def _fmt(self, x) -> str:
        return explain.fmt(x, self.session.digits)

    def _describe_node(self, out: dict, item: str, tr):
        """What a selected node is and its value; returns (its name, its gradient this pass)."""
        s = self.session
        g, st = s.graph, s.state
        node = g.nodes[item]
        out["what"] = item
        if node.is_leaf:
            out["kind"] = node.op + (FROZEN if item in g.frozen else "")
            out["derivative"] = "—"
        else:
            op = OPS[node.op]
            out["kind"] = f"{op.kind} {op.name} ({op.symbol}) of {', '.join(node.inputs)}"
            out["derivative"] = op.derivative
        v = st.values.get(item)
        out["value"] = self._fmt(v) if v is not None else "not computed yet"
        if s.editable(item):
            self._target = item
        return item, tr.gradients.get(item, tr.param_gradients.get(item))

    def _describe_edge(self, out: dict, item: tuple, tr):
        """What a selected edge carries; returns (the name whose gradient it shows, that gradient)."""
        s = self.session
        g, st = s.graph, s.state
        src, dst, param = item
        out["what"] = f"edge {src} → {dst}" + (f", weight {param}" if param else "")
        dn = g.nodes[dst]
        out["kind"] = f"input of {OPS[dn.op].name}" if not dn.is_leaf else "edge"
        out["derivative"] = OPS[dn.op].derivative if not dn.is_leaf else "—"
        if param is not None:
            out["value"] = f"{param} = {self._fmt(st.params.get(param))}" + (FROZEN if param in g.frozen else "")
            self._target = param
            return param, tr.param_gradients.get(param)
        v = st.edge_values.get((src, dst))
        out["value"] = self._fmt(v) if v is not None else "not computed yet"
        if s.editable(src):
            self._target = src
        return src, tr.gradients.get(src)

    def _check_gradient(self, out: dict, name: str, backprop, tr):
        """The gradient backpropagation gave ``name`` beside the numerical one, and whether they agree."""
        if backprop is None:
            out["gradient"] = "— (no gradient reaches it)"
            return
        g = self.session.graph
        out["gradient"] = f"∂{explain.objective_name(g)}/∂{name} = {self._fmt(backprop)}  (this pass)"
        try:
            # the same within a pass: stepping with something selected stays fast
            if self._num_for is None or self._num_for[0] != name or self._num_for[1] is not tr:
                self._num_for = (name, tr, numerical(g, tr.params, tr.sample, name))
            num = self._num_for[2]
        except (ValueError, KeyError, ArithmeticError) as err:
            out["numerical"] = f"not available: {err}"
            return
        out["numerical"] = self._fmt(num)
        rel = relative_error(backprop, num)
        verdict = "agree" if rel < TOLERANCE else "DISAGREE"
        out["difference"] = f"{rel:.1e} ({verdict})" if math.isfinite(rel) else "—"
