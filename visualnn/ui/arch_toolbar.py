"""The Network toolbar: TensorFlow Playground's + and − for a layered network,
one group per layer: its neuron count between − and +, its activation, and a
+ that adds a hidden layer after it.  Every button is one architecture edit on
the session model (``arch_menu.run_edit``): one undo step, the weights that
still have a place kept.  Rebuilt whenever the network changes."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QToolBar, QToolButton

from ..io.network import LAYER_ACTIVATIONS
from . import text
from .arch_menu import run_edit


class ArchitectureToolbar(QToolBar):
    """+ / − per layer, for the window's open network (empty for an expression graph)."""

    def __init__(self, window):
        super().__init__("Network", window)
        self.setObjectName("network_toolbar")
        self.window = window
        self.buttons: dict[str, QToolButton] = {}
        self.activations: dict[int, QComboBox] = {}
        window.session.sigDocumentChanged.connect(self.rebuild)
        self.rebuild()

    def rebuild(self):
        self.clear()
        self.buttons, self.activations = {}, {}
        m = self.window.session.model
        if m is None or m.spec is None:
            self.addWidget(text.plain_label("An expression graph: no layers to edit"))
            return
        spec = m.spec
        self._button("+l0", "+ layer", "Add a hidden layer after the inputs", "add_layer", 0)
        last = len(spec.layers) - 1
        for l, layer in enumerate(spec.layers):
            self.addSeparator()
            hidden = l < last
            name = f"layer {l + 1}" if hidden else "output"
            if hidden:
                self._button(f"-n{l}", "−", f"Remove the last neuron of layer {l + 1}", "remove_neuron", l,
                             len(layer.neurons) - 1).setEnabled(len(layer.neurons) > 1)
            self.addWidget(text.plain_label(f" {name}: {len(layer.neurons)} "))
            if hidden:
                self._button(f"+n{l}", "+", f"Add a neuron to layer {l + 1}", "add_neuron", l)
            self.activations[l] = self._activation(l, layer.activation, hidden)
            if hidden:
                self._button(f"-l{l}", "✕", f"Remove layer {l + 1}", "remove_layer", l)
                self._button(f"+l{l + 1}", "+ layer", f"Add a hidden layer after layer {l + 1}", "add_layer", l + 1)

    def _button(self, key: str, label: str, tip: str, *edit) -> QToolButton:
        b = QToolButton(self)
        b.setText(label)
        b.setToolTip(tip)
        b.setAutoRaise(False)
        b.clicked.connect(lambda checked=False: run_edit(self.window, *edit))
        self.addWidget(b)
        self.buttons[key] = b
        return b

    def _activation(self, layer: int, current: str, hidden: bool) -> QComboBox:
        c = QComboBox(self)
        for a in LAYER_ACTIVATIONS:
            if a != "softmax" or not hidden:
                c.addItem(a, a)
        c.setCurrentIndex(max(0, c.findData(current)))
        c.setToolTip(f"The activation of {'layer ' + str(layer + 1) if hidden else 'the output layer'}")
        c.activated.connect(lambda i: c.itemData(i) != current and run_edit(self.window, "set_activation", layer,
                                                                            c.itemData(i)))
        self.addWidget(c)
        return c
