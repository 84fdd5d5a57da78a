"""Stepping controls: actions with their keys, play/pause, the timeline, phase,
learning rate and sample.  They only call the session."""
from __future__ import annotations

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolBar,
    QWidget,
)

from ..engine import explain
from .inside_items import sample_icons
from .numberbox import ExactNumberBox
from .text import plain_label, tooltip

LR_RANGE = (1e-12, 1e6)     # a learning rate a file may hold (above 0, at most 1e6)

STEP_KEYS = (Qt.Key_Right, Qt.Key_Space, Qt.Key_PageDown)
BACK_KEYS = (Qt.Key_Left, Qt.Key_PageUp, Qt.Key_Backspace)
SAMPLE_CHARS = 16       # the sample selector's width in the toolbar, in characters


class PhaseLabel(QWidget):
    """One line of text at a fixed size.  Unlike a QLabel, a new text only
    repaints the label: it never asks the toolbar (and with it the whole
    window) to lay itself out again, which every step would otherwise do."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 4)

    def text(self) -> str:
        return self._text

    def setText(self, text: str):
        if text != self._text:
            self._text = text
            self.setToolTip(tooltip(text))
            self.update()

    def paintEvent(self, event):
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.WindowText))
        p.drawText(self.rect().adjusted(2, 0, -2, 0), Qt.AlignVCenter | Qt.AlignLeft, self._text)
        p.end()


class StepperControls(QObject):
    """Creates the stepping actions and widgets for one session.

    ``actions``: step, back, reset, end, play (checkable).  ``toolbar()``
    builds a toolbar holding them with the timeline, phase, speed, learning
    rate and sample selector."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._make_actions()
        self._make_widgets()
        session.sigStateChanged.connect(self._on_state)
        session.sigDocumentChanged.connect(self._on_document)
        session.sigParamsChanged.connect(self._on_params)
        if session.model is not None:
            self._on_document()
            self._on_state(session.state)

    def _action(self, text, keys, slot, tip) -> QAction:
        a = QAction(text, self)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.WindowShortcut)
        a.setToolTip(f"{tip} ({', '.join(QKeySequence(k).toString() for k in keys)})")
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        return a

    def _make_actions(self):
        """Step, back, reset, end (with their keys and icons) and play."""
        act = self._action
        self.step_action = act("Step", STEP_KEYS, self.step, "Next operation")
        self.back_action = act("Back", BACK_KEYS, self.back, "Previous operation (the state after one step fewer)")
        self.reset_action = act("Reset", (Qt.Key_Home,), self.reset, "Back to the start of the first pass")
        self.end_action = act("End", (Qt.Key_End,), self.end, "Run to the end of this pass")
        style = QApplication.style()
        for a, icon in ((self.step_action, QStyle.SP_MediaSeekForward),
                        (self.back_action, QStyle.SP_MediaSeekBackward),
                        (self.reset_action, QStyle.SP_MediaSkipBackward),
                        (self.end_action, QStyle.SP_MediaSkipForward)):
            a.setIcon(style.standardIcon(icon))
        self._play_icon = style.standardIcon(QStyle.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.SP_MediaPause)
        self.play_action = QAction("Play", self)
        self.play_action.setShortcut(QKeySequence("P"))
        self.play_action.setToolTip("Play the steps at the chosen speed (P)")
        self.play_action.setStatusTip("Play the steps at the chosen speed")
        self.play_action.setCheckable(True)
        self.play_action.setIcon(self._play_icon)
        self.play_action.toggled.connect(self.set_playing)
        self.actions = [self.reset_action, self.back_action, self.step_action, self.end_action, self.play_action]

    def _make_widgets(self):
        """The speed, timeline, phase, learning rate and sample widgets the toolbar holds."""
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.25, 120.0)
        self.speed.setValue(4.0)
        self.speed.setSuffix(" /s")
        self.speed.setToolTip("Play speed, in steps per second")
        self.speed.valueChanged.connect(self._speed_changed)

        self.slider = QSlider(Qt.Horizontal)
        self.slider.setMinimumWidth(100)
        self.slider.setToolTip("Scrub through the steps of this pass")
        self.slider.valueChanged.connect(self._scrub)
        self.phase = PhaseLabel()
        self._fix_phase_width(99999)

        # the range a file allows (io.settings: above 0, at most 1e6); the value shown in full
        self.lr = ExactNumberBox(LR_RANGE[0], LR_RANGE[1])
        self.lr.setSingleStep(0.05)
        self.lr.setToolTip("Learning rate of the update step (saved with the file)")
        self.lr.sigCommitted.connect(self._lr_edited)

        self.sample = QComboBox()
        self.sample.setToolTip("Which training sample goes through the network")
        # samples of many inputs make long entries: the toolbar keeps a fixed share, the list opens wide
        self.sample.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.sample.setMinimumContentsLength(SAMPLE_CHARS)
        self.sample.currentIndexChanged.connect(self._sample_chosen)
        self.sample_label = plain_label("sample")
        self._sample_actions: list = []

    # -- commands -------------------------------------------------------------------------
    def step(self):
        self.session.step()

    def back(self):
        self.session.back()

    def reset(self):
        self.set_playing(False)
        self.session.reset()

    def end(self):
        self.session.end()

    def set_playing(self, on: bool):
        if self.play_action.isChecked() != on:
            self.play_action.setChecked(on)      # comes back here through toggled
            return
        if on:
            self.timer.start(int(1000 / self.speed.value()))
            self.play_action.setText("Pause")
            self.play_action.setIcon(self._pause_icon)
        else:
            self.timer.stop()
            self.play_action.setText("Play")
            self.play_action.setIcon(self._play_icon)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def _tick(self):
        before = self.session.position
        self.session.step()
        if self.session.position == before:
            self.set_playing(False)

    def _speed_changed(self, v):
        if self.timer.isActive():
            self.timer.setInterval(int(1000 / v))

    def _scrub(self, v):
        s = self.session
        if s.model is None:
            return
        pos = s.cycle_start() + v
        if pos != s.position:
            s.seek(pos)

    def _lr_edited(self, v: float):
        """Only a number the user typed or stepped to, exactly as given."""
        if self.session.model is not None and v != self.session.learning_rate:
            self.session.set_learning_rate(v)

    def _sample_chosen(self, i):
        if i >= 0 and self.session.model is not None and i != self.session.sample_index:
            self.session.set_sample(i)

    # -- following the session ------------------------------------------------------------------
    def _fix_phase_width(self, steps: int):
        # a fixed width: a label that grows would resize (and re-render) the graph; wide
        # enough for this network's longest phase, no wider (the toolbar fits 1280 pixels)
        text = f"pass 9999 · backward — step {steps} of {steps}"
        self.phase.setFixedWidth(self.phase.fontMetrics().horizontalAdvance(text) + 8)

    def _on_document(self):
        s = self.session
        self._fix_phase_width(s.cycle_length)
        with QSignalBlocker(self.sample):
            self.sample.clear()
            samples = s.stepper.samples
            icons = sample_icons(list(s.model.graph.inputs), samples)     # image inputs: each sample's picture
            for k, smp in enumerate(samples):
                text = ", ".join(f"{n}={explain.fmt(smp[n], 3)}" for n in s.model.graph.inputs if n in smp)
                self.sample.addItem(f"{k + 1}: {text}" if text else f"sample {k + 1}")
                if icons is not None:
                    self.sample.setItemIcon(k, icons[k])
            self.sample.setCurrentIndex(s.sample_index)
            view = self.sample.view()
            view.setMinimumWidth(min(900, view.sizeHintForColumn(0) + 24) if self.sample.count() else 0)
        many = len(s.stepper.samples) > 1
        for a in self._sample_actions:
            a.setVisible(many)
        self._on_params()

    def _on_params(self):
        s = self.session
        self.lr.show_value(s.learning_rate)
        with QSignalBlocker(self.sample):
            self.sample.setCurrentIndex(s.sample_index)
        self.lr.setEnabled(s.has_update)

    def _on_state(self, state):
        s = self.session
        if state is None or s.model is None:
            return
        L = s.cycle_length
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, L)
            self.slider.setValue(state.position - s.cycle_start(state.cycle))
        self.phase.setText(explain.phase_text(state, L))
        at_end = not s.has_update and state.position >= L
        self.step_action.setEnabled(not at_end)
        self.back_action.setEnabled(state.position > 0)

    # -- layout -------------------------------------------------------------------------------------
    def toolbar(self, parent=None) -> QToolBar:
        tb = QToolBar("Stepping", parent)
        tb.setObjectName("stepping")
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        for a in self.actions:
            tb.addAction(a)
        tb.addWidget(self.speed)
        tb.addSeparator()
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(4, 0, 4, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.phase)
        tb.addWidget(box)
        tb.addSeparator()
        tb.addWidget(plain_label(" learning rate "))
        tb.addWidget(self.lr)
        tb.addSeparator()
        self._sample_actions = [tb.addWidget(self.sample_label), tb.addWidget(self.sample)]
        if self.session.model is not None:
            self._on_document()
        return tb
