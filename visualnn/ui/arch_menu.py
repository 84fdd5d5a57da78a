"""The graph's right-click menu: edit a layered network's architecture where it
is drawn.  Every item is one undoable edit on the session model
(``SessionModel.edit_architecture`` / ``set_frozen``); an edit the network
cannot take is said in the status bar and changes nothing."""
from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from ..engine.architecture import ArchitectureError, locate
from ..io.network import LAYER_ACTIVATIONS
from . import text


def _param_of(session, what) -> str | None:
    """The parameter a right-clicked edge carries, or a right-clicked parameter leaf."""
    names = set(session.model.graph.param_names)
    if isinstance(what, tuple):
        p = session.core.edge_param(*what[:2])
        return p if p is not None else (what[0] if what[0] in names else None)
    return what if what in names else None


def architecture_menu(window, what, parent: QWidget | None = None) -> QMenu | None:
    """The menu for a node name, an edge (src, dst) or empty space (None); None when
    the network is not layered (an expression graph has no layers to edit)."""
    s = window.session
    m = s.model
    if m is None or m.spec is None:
        return None
    menu = QMenu(parent)
    spec = m.spec
    last = len(spec.layers) - 1

    def item(label: str, *edit, enabled: bool = True) -> QAction:
        a = menu.addAction(text.menu_text(label))
        a.setEnabled(enabled)
        a.triggered.connect(lambda checked=False: run_edit(window, *edit))
        return a

    param = _param_of(s, what)
    if param is not None:
        frozen = param in m.graph.frozen
        item(f"Free {param} (training changes it)" if frozen else f"Freeze {param} (training leaves it)",
             "set_frozen", param, not frozen)
    node = what if isinstance(what, str) else None
    where = locate(spec, node) if node is not None else None
    if node is not None and node in spec.inputs:
        item("Add a hidden layer after the inputs", "add_layer", 0)
    if where is not None:
        layer, j = where
        neuron = spec.layers[layer].neurons[j]
        hidden = layer < last
        label = f"layer {layer + 1}" if hidden else "the output layer"
        item(f"Add a neuron to {label}", "add_neuron", layer, enabled=hidden)
        item(f"Remove neuron {neuron}", "remove_neuron", layer, j,
             enabled=hidden and len(spec.layers[layer].neurons) > 1)
        has_bias = spec.layers[layer].biases[j] is not None
        item(f"Remove the bias of {neuron}" if has_bias else f"Give {neuron} a bias", "set_bias", layer, j,
             not has_bias)
        menu.addSeparator()
        item(f"Add a hidden layer after {label}" if hidden else "Add a hidden layer before the output",
             "add_layer", layer + 1 if hidden else layer)
        item(f"Remove {label}", "remove_layer", layer, enabled=hidden)
        acts = menu.addMenu(text.menu_text(f"Activation of {label}"))
        group = QActionGroup(acts)
        for name in LAYER_ACTIVATIONS:
            if name == "softmax" and hidden:
                continue
            a = acts.addAction(name)
            a.setCheckable(True)
            a.setChecked(name == spec.layers[layer].activation)
            group.addAction(a)
            a.triggered.connect(lambda checked=False, n=name: run_edit(window, "set_activation", layer, n))
    return menu if menu.actions() else None


def run_edit(window, edit: str, *args) -> bool:
    """Do one architecture edit; say why in the status bar when the network cannot take it."""
    core = window.session.core
    try:
        if edit == "set_frozen":
            core.set_frozen(*args)
        else:
            core.edit_architecture(edit, *args)
    except (ArchitectureError, KeyError, ValueError) as err:
        window.statusBar().showMessage(text.one_line(f"Cannot change the network: {err}"), 8000)
        return False
    window.view.fit()
    return True
