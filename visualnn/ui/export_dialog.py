"""File > Export…'s dialog: what, how and where (format, view, size and scale, steps,
the motion between steps)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from .export_frames import VIDEO_MISSING, video_available
from .export_request import ANIMATION_FORMATS, FORMATS, MAX_MOTION, PICTURE_FORMATS, TABLE_FORMATS
from .present import deck_for
from .text import plain_label

FORMAT_LABELS = {"png": "PNG picture", "svg": "SVG drawing", "frames": "PNG frames (a folder)",
                 "svgframes": "SVG frames (a folder)",
                 "gif": "Animated GIF", "mp4": "MP4 video", "md": "Markdown table", "csv": "CSV table",
                 "tex": "LaTeX table"}
FILTERS = {"png": "PNG pictures (*.png)", "svg": "SVG drawings (*.svg)", "gif": "GIF animations (*.gif)",
           "mp4": "MP4 videos (*.mp4)", "md": "Markdown (*.md)", "csv": "CSV (*.csv)", "tex": "LaTeX (*.tex)"}
DEFAULT_MOTION = 6                # in-between frames per step when the motion is ticked
SIZES = (("As on screen", None), ("1920 × 1080", (1920, 1080)), ("1280 × 720", (1280, 720)),
         ("960 × 540", (960, 540)))


def live_views(window) -> dict:
    """The widgets of the stepper window that can be exported as they are: {label: widget}."""
    out = {"Graph": window.view, "Whole window": window}
    for name, panel in window.plot_panels.items():
        out[name] = panel
    return out


class ExportDialog(QDialog):
    """What, how and where: format, view, size and scale, steps."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Export")
        s = window.session
        self.format = QComboBox()
        for f in FORMATS:
            self.format.addItem(FORMAT_LABELS[f], f)
            if f == "mp4" and not video_available():
                i = self.format.count() - 1
                self.format.model().item(i).setEnabled(False)
                self.format.setItemData(i, VIDEO_MISSING, Qt.ToolTipRole)
        self.what = QComboBox()
        self.size = QComboBox()
        for label, size in SIZES:
            self.size.addItem(label, size)
        self.scale = QComboBox()
        for k in (1, 2, 3):
            self.scale.addItem(f"{k}x", float(k))
        self.steps = QComboBox()
        self.steps.addItem("The step shown now", "now")
        self.steps.addItem("Steps from … to …", "range")
        self.steps.addItem("Every step of this pass", "all")
        if deck_for(s)[1]:
            self.steps.addItem("The whole lecture (every click)", "lecture")
        self.first = QSpinBox()
        self.last = QSpinBox()
        top = s.cycle_length * (1000 if s.has_update else 1)
        for sp in (self.first, self.last):
            sp.setRange(0, top)
        self.first.setValue(max(0, s.position))
        self.last.setValue(min(top, s.position + s.cycle_length))
        rng = QHBoxLayout()
        rng.addWidget(self.first)
        rng.addWidget(plain_label("to"))
        rng.addWidget(self.last)
        self.range_box = QWidget()
        self.range_box.setLayout(rng)
        self.motion_box = self._make_motion_box()
        self.note = plain_label()
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(plain_label("Format"), self.format)
        form.addRow(plain_label("View"), self.what)
        form.addRow(plain_label("Size"), self.size)
        form.addRow(plain_label("Scale"), self.scale)
        form.addRow(plain_label("Steps"), self.steps)
        form.addRow(plain_label(""), self.range_box)
        form.addRow(plain_label("Motion"), self.motion_box)
        form.addRow(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for c in (self.format, self.size, self.steps, self.what):
            c.currentIndexChanged.connect(self._sync)
        self.motion.toggled.connect(self._sync)
        self._sync()

    def _make_motion_box(self) -> QWidget:
        """The motion check box and its count of in-between frames per step, side by side."""
        self.motion = QCheckBox("Include the motion between steps")
        self.motion.setToolTip("In-between frames, as the window animates a step: values travel along their "
                               "edges, gradients travel back, weight colours fade")
        self.motion_frames = QSpinBox()
        self.motion_frames.setRange(1, MAX_MOTION)
        self.motion_frames.setValue(DEFAULT_MOTION)
        self.motion_frames.setSuffix(" in-between frames per step")
        mo = QHBoxLayout()
        mo.setContentsMargins(0, 0, 0, 0)
        mo.addWidget(self.motion)
        mo.addWidget(self.motion_frames)
        box = QWidget()
        box.setLayout(mo)
        return box

    def _sync(self, *_):
        fmt = self.format.currentData()
        picture, table = fmt in PICTURE_FORMATS, fmt in TABLE_FORMATS
        keep = self.what.currentData()
        self.what.blockSignals(True)
        self.what.clear()
        if picture and self.size.currentData() is None:
            for label in live_views(self.window_):
                self.what.addItem(label, ("live", label))
            self.what.addItem("Slide (presentation screen)", ("render", "window"))
        elif not table:
            for label, v in (("Graph", "graph"), ("Slide (presentation screen)", "window"),
                             ("Activation", "activation"), ("Loss surface", "surface")):
                self.what.addItem(label, ("render", v))
        # findData does not match a tuple: the choice is kept by comparing the items' data
        i = next((k for k in range(self.what.count()) if self.what.itemData(k) == keep), -1)
        self.what.setCurrentIndex(max(0, i))
        self.what.blockSignals(False)
        self.what.setEnabled(not table)
        self.size.setEnabled(not table)
        if not picture and self.size.currentData() is None:
            self.size.setCurrentIndex(1)
        self.scale.setEnabled(not table)
        self.steps.setEnabled(not picture)
        self.range_box.setVisible(self.steps.currentData() == "range" and not picture)
        view = self.what.currentData()
        moving = fmt in ANIMATION_FORMATS and view is not None and view[1] in ("graph", "window")
        self.motion_box.setEnabled(moving)
        self.motion_frames.setEnabled(moving and self.motion.isChecked())
        self.note.setText({"frames": "One numbered PNG per step, into a folder of your choice.",
                           "svgframes": "One numbered SVG drawing per step, into a folder of your choice.",
                           "mp4": "" if video_available() else VIDEO_MISSING,
                           "md": "Every forward and backward step with values, local and upstream gradients "
                                 "and their products."}.get(fmt, ""))

    def request_parts(self):
        """(format, view data, size, scale, steps choice, first, last, in-between frames per step)."""
        motion = self.motion_frames.value() if self.motion_frames.isEnabled() else 0
        return (self.format.currentData(), self.what.currentData(), self.size.currentData(),
                self.scale.currentData(), self.steps.currentData(), self.first.value(), self.last.value(), motion)
