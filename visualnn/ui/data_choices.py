"""The data a network learns from, as TensorFlow Playground offers it: a
generated set, its sample count, noise, test fraction and seed, and the input
features made from its points.  Used by File > New network… and by
File > Generate data… (new data for the open network, one undo step)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..engine.datasets import DESCRIPTIONS, GENERATORS
from ..engine.datasets import shape as data_shape
from ..engine.features import FEATURES, class_labels
from ..io import FileFormatError, Problem
from ..io.data import generator_settings
from ..io.recipe import data_declaration, generated_data
from .text import plain_label, set_plain


class DataChoices(QGroupBox):
    """The data set and its settings; ``declaration()`` is the file's ``data`` section for them."""
    sigDatasetChanged = Signal(str)

    def __init__(self, dataset: str = "xor", samples: int | None = None, noise: float = 0.0,
                 test_fraction: float = 0.0, seed: int = 0, features: list[str] | None = None,
                 allowed: list[str] | None = None, parent=None):
        super().__init__("Data", parent)
        self.dataset = combo(allowed or list(GENERATORS), dataset)
        for i in range(self.dataset.count()):
            self.dataset.setItemData(i, DESCRIPTIONS.get(self.dataset.itemData(i), ""), 3)     # Qt.ToolTipRole
        self.samples = QSpinBox()
        self.samples.setRange(0, 100_000)
        self.samples.setSpecialValueText("the set's own")
        self.samples.setValue(samples or 0)
        self.noise = number(0.0, 10.0, noise, 0.05)
        self.test_ratio = number(0.0, 0.9, test_fraction, 0.05)
        self.data_seed = QSpinBox()
        self.data_seed.setRange(0, 2 ** 31 - 1)
        self.data_seed.setValue(seed)
        chosen = features or ["x1", "x2"]
        self.features = {f: QCheckBox(f) for f in FEATURES}
        form = QFormLayout(self)
        form.addRow(plain_label("Data set"), self.dataset)
        form.addRow(plain_label("Samples"), self.samples)
        form.addRow(plain_label("Noise (std. dev.)"), self.noise)
        form.addRow(plain_label("Test fraction"), self.test_ratio)
        form.addRow(plain_label("Data seed"), self.data_seed)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for k, (f, box) in enumerate(self.features.items()):
            box.setChecked(f in chosen)
            grid.addWidget(box, k // 4, k % 4)
        holder = QWidget()
        holder.setLayout(grid)
        form.addRow(plain_label("Input features"), holder)
        self.dataset.currentIndexChanged.connect(self._on_dataset_change)
        self._on_dataset_change()

    def _on_dataset_change(self):
        name = self.dataset.currentData()
        two = data_shape(name)[0] == 2
        for f, box in self.features.items():
            box.setEnabled(two)
            box.setChecked(two and box.isChecked() or f in ("x1", "x2"))
        self.sigDatasetChanged.emit(name)

    def fix_features(self, features: list[str] | None) -> None:
        """The features stay as the network's inputs are (new data for an open network)."""
        for f, box in self.features.items():
            box.setChecked(f in (features or ["x1", "x2"]))
            box.setEnabled(False)

    def chosen_features(self) -> list[str] | None:
        """The input features ticked, or None for a set whose points are not 2-D."""
        if data_shape(self.dataset.currentData())[0] != 2:
            return None
        return [f for f, box in self.features.items() if box.isChecked()]

    def declaration(self) -> dict:
        return data_declaration(self.dataset.currentData(), self.samples.value() or None, self.noise.value(),
                                self.data_seed.value(), self.test_ratio.value(), self.chosen_features())


class GenerateDataDialog(QDialog):
    """New generated data for the open network: its targets stay; a layered network
    fed 2-D points may take other input features (its inputs change with them)."""

    def __init__(self, model, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Generate data")
        self.model = model
        self.result: tuple | None = None
        inputs = list(model.graph.inputs)
        self.points = model.spec is not None and (bool(model.features) or inputs == ["x1", "x2"])
        n_out = len(model.graph.targets)
        fits = [g for g in GENERATORS if data_shape(g)[1] == n_out
                and (data_shape(g)[0] == 2 if self.points else data_shape(g)[0] == len(inputs))]
        self.data = DataChoices(allowed=fits or list(GENERATORS), features=model.features)
        if not self.points:
            self.data.fix_features(None)
        self.message = plain_label("")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.data)
        if self.points:
            lay.addWidget(plain_label("Other input features change the network's inputs: a weight from a "
                                      "feature that stays is kept."))
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def accept(self):
        """Generate; data that does not fit the network is named here and the dialog stays open."""
        decl = self.data.declaration()
        labels = class_labels(self.model)
        if len(labels) == 2 and labels != [0.0, 1.0] and "labels" in generator_settings(decl["generator"]):
            decl["labels"] = labels               # the network's own two labels (-1/+1 for a tanh output)
        features = self.data.chosen_features() if self.points else None
        inputs = list(features) if features else list(self.model.graph.inputs)
        if not self.points:
            decl.pop("features", None)
        try:
            if not inputs:
                raise FileFormatError([Problem("the data", "data.features", "choose at least one input feature")])
            dataset, _ = generated_data(decl, inputs, list(self.model.graph.targets))
        except FileFormatError as err:
            set_plain(self.message, f"This data does not fit the network:\n{err}")
            return
        plain_points = features is None or features == ["x1", "x2"]
        self.result = (dataset, decl, None if plain_points else features, "generate data", inputs)
        super().accept()


def combo(items, current: str) -> QComboBox:
    c = QComboBox()
    for it in items:
        c.addItem(it, it)
    c.setCurrentIndex(max(0, c.findData(current)))
    return c


def number(lo: float, hi: float, value: float, step: float, decimals: int = 3) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    return box
