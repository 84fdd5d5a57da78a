"""File > New network…: a dialog that asks for a layered network's shape, its
data and how it learns, and makes it through ``io.recipe`` (the same checks as
a file).  The dialog only collects choices; the recipe builds the network."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..engine.architecture import INITS
from ..engine.datasets import shape as data_shape
from ..engine.ops import LAYER_LOSSES
from ..engine.optimizers import OPTIMIZERS
from ..io import FileFormatError
from ..io.network import LAYER_ACTIVATIONS
from ..io.recipe import NetworkRecipe, new_document
from .data_choices import DataChoices, combo, number
from .text import plain_label, set_plain

HIDDEN_ACTIVATIONS = [a for a in LAYER_ACTIVATIONS if a != "softmax"]
MAX_HIDDEN_LAYERS = 8
# what each data set's targets ask of the output layer: (outputs, activation, loss)
CLASSES = {"spiral3": 3, "blobs3": 3}


def output_for(dataset: str) -> tuple[int, str, str]:
    """The output layer and loss that fit a data set's targets."""
    if dataset in CLASSES:
        return CLASSES[dataset], "linear", "class_cross_entropy"
    if dataset == "sine":
        return 1, "linear", "mse"
    n_out = data_shape(dataset)[1]
    if n_out > 1:
        return n_out, "softmax", "cross_entropy"
    return 1, "sigmoid", "binary_cross_entropy"


class HiddenLayersEditor(QWidget):
    """One row per hidden layer: its neuron count and activation; + and − add and remove layers."""

    def __init__(self, sizes: list[int], activations: list[str], parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QSpinBox, QComboBox]] = []
        self.add_button = QPushButton("+ layer")
        self.remove_button = QPushButton("− layer")
        self.blank_button = QPushButton("Blank canvas")
        self.blank_button.setToolTip("No hidden layers: inputs straight to the outputs; add neurons and "
                                     "layers on the graph (Network toolbar, right-click)")
        self.add_button.clicked.connect(lambda: self.add_layer())
        self.remove_button.clicked.connect(self.remove_layer)
        self.blank_button.clicked.connect(self.clear_layers)
        for n, a in zip(sizes, activations):
            self.add_layer(n, a)

    def add_layer(self, size: int | None = None, activation: str | None = None):
        if len(self.rows) >= MAX_HIDDEN_LAYERS:
            return
        spin = QSpinBox()
        spin.setRange(1, 64)
        spin.setValue(size or (self.rows[-1][0].value() if self.rows else 3))
        act = combo(HIDDEN_ACTIVATIONS, activation or (self.rows[-1][1].currentData() if self.rows else "tanh"))
        k = len(self.rows)
        self.grid.addWidget(plain_label(f"Hidden layer {k + 1}"), k, 0)
        self.grid.addWidget(spin, k, 1)
        self.grid.addWidget(plain_label("neurons,"), k, 2)
        self.grid.addWidget(act, k, 3)
        self.rows.append((spin, act))
        self._place_buttons()

    def remove_layer(self):
        if not self.rows:
            return
        k = len(self.rows) - 1
        for c in range(4):
            item = self.grid.itemAtPosition(k, c)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
                self.grid.removeItem(item)
        self.rows.pop()
        self._place_buttons()

    def clear_layers(self):
        while self.rows:
            self.remove_layer()

    def _place_buttons(self):
        for b in (self.add_button, self.remove_button, self.blank_button):
            self.grid.removeWidget(b)
        self.grid.addWidget(self.add_button, MAX_HIDDEN_LAYERS + 1, 0)
        self.grid.addWidget(self.remove_button, MAX_HIDDEN_LAYERS + 1, 1)
        self.grid.addWidget(self.blank_button, MAX_HIDDEN_LAYERS + 1, 3)
        self.add_button.setEnabled(len(self.rows) < MAX_HIDDEN_LAYERS)
        self.remove_button.setEnabled(bool(self.rows))

    def sizes(self) -> list[int]:
        return [s.value() for s, _ in self.rows]

    def activations(self) -> list[str]:
        return [c.currentData() for _, c in self.rows]


class NewNetworkDialog(QDialog):
    """The choices of a new network; ``document`` holds the network made on OK."""

    def __init__(self, parent=None, recipe: NetworkRecipe | None = None):
        # the data part is shared with File > Generate data… (ui/data_choices.py)
        super().__init__(parent)
        self.setWindowTitle("New network")
        r = recipe or NetworkRecipe()
        self.document = None
        self.data = DataChoices(r.dataset, r.samples, r.noise, r.test_fraction, r.data_seed, r.features)
        self.hidden = HiddenLayersEditor(r.hidden, r.activations)
        self.outputs = QSpinBox()
        self.outputs.setRange(1, 64)
        self.outputs.setValue(r.outputs)
        self.output_activation = combo(LAYER_ACTIVATIONS, r.output_activation)
        self.loss = combo(LAYER_LOSSES, r.loss)
        self.optimizer = combo(list(OPTIMIZERS), r.optimizer)
        self.learning_rate = number(1e-5, 100.0, r.learning_rate, 0.01, decimals=5)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1_000_000)
        self.epochs.setValue(r.epochs)
        self.init = combo(INITS, r.init)
        self.init_value = number(0.0, 100.0, r.init_value, 0.1)
        self.seed = _seed(r.seed)
        self.message = plain_label("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.data.sigDatasetChanged.connect(self._on_dataset_change)
        self._layout()

    def _layout(self):
        net = QFormLayout()
        net.addRow(self.hidden)
        out = QHBoxLayout()
        out.addWidget(self.outputs)
        out.addWidget(plain_label("outputs,"))
        out.addWidget(self.output_activation)
        net.addRow(plain_label("Output layer"), _wrap(out))
        net.addRow(plain_label("Loss"), self.loss)
        learn = QFormLayout()
        learn.addRow(plain_label("Optimizer"), self.optimizer)
        learn.addRow(plain_label("Learning rate"), self.learning_rate)
        learn.addRow(plain_label("Epochs per run"), self.epochs)
        learn.addRow(plain_label("Initial weights"), self.init)
        learn.addRow(plain_label("Init value / scale"), self.init_value)
        learn.addRow(plain_label("Seed"), self.seed)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.data)
        for title, form in (("Network", net), ("Learning", learn)):
            box = QGroupBox(title)
            box.setLayout(form)
            lay.addWidget(box)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def _on_dataset_change(self, name: str):
        n, act, loss = output_for(name)
        self.outputs.setValue(n)
        self.output_activation.setCurrentIndex(self.output_activation.findData(act))
        self.loss.setCurrentIndex(self.loss.findData(loss))

    def recipe(self) -> NetworkRecipe:
        d = self.data
        return NetworkRecipe(hidden=self.hidden.sizes(), activations=self.hidden.activations(),
                             outputs=self.outputs.value(), output_activation=self.output_activation.currentData(),
                             loss=self.loss.currentData(), optimizer=self.optimizer.currentData(),
                             learning_rate=self.learning_rate.value(), epochs=self.epochs.value(),
                             init=self.init.currentData(), init_value=self.init_value.value(), seed=self.seed.value(),
                             dataset=d.dataset.currentData(), samples=d.samples.value() or None,
                             noise=d.noise.value(), test_fraction=d.test_ratio.value(),
                             data_seed=d.data_seed.value(), features=d.chosen_features())

    def accept(self):
        """Make the network; a choice that does not fit is named here and the dialog stays open."""
        try:
            self.document = new_document(self.recipe())
        except FileFormatError as err:
            set_plain(self.message, f"This network cannot be made:\n{err}")
            return
        super().accept()


def _seed(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 2 ** 31 - 1)
    box.setValue(value)
    return box


def _wrap(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w
