"""Presentation mode: the network full screen, large type, one click per step.

F5 (View > Present) opens a full-screen ``PresentationWindow`` over the
stepper window: no menus, toolbars or docks, a projector theme (black on
white, thick lines, Paul Tol's high-contrast colours: blue values, red
gradients, yellow for what to look at) and type sized for the back of a hall
at 1920x1080.  A clicker drives it:

=====================  ==================================
PageDown, Right, Space  next (a step, or reveal a "?")
PageUp, Left            previous
Home / End              first / last click
B or .                  black screen (again: back)
Esc                     leave; the window stays at the step reached
=====================  ==================================

A file with a ``lecture`` section follows its slides (``io.lecture``): each
slide's steps one click at a time, its panels, its caption, its highlights,
and its hidden values shown as "?" until the click after the slide's last
step reveals them ("predict, then reveal").  Without one it follows the trace
step by step.  Under the graph, the step's equations and a caption line say
what is happening in words (``engine.explain``).

``PresentationView`` is the slide itself (also what ``export`` renders);
``Deck`` is the Qt-free list of clicks.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..engine import explain
from ..engine.labels import Line
from ..io.lecture import Slide
from . import graph_view as gv
from . import theme as th
from .deck import HIDDEN, Deck, Frame, deck_for, emphasis_html, fill_caption, hidden_numbers, mask_numbers
from .plots import PANEL_NAMES, panel_class

__all__ = ["Deck", "Frame", "PresentationView", "PresentationWindow", "ProjectorGraphView", "deck_for",
           "emphasis_html", "fill_caption", "mask_numbers", "open_presentation", "start_presentation"]

# -- the projector theme -------------------------------------------------------------------
# Paul Tol's high-contrast scheme (blue, red, yellow: safe for every colour-vision
# deficiency, and blue and red differ in lightness too), black text on white.
PROJECTOR = th.Theme(
    name="projector", background="#ffffff", node_fill="#f4f4f4", node_border="#000000", text="#000000",
    muted="#333333", value="#004488", gradient="#bb2244", negative="#e66100", positive="#5d3a9b",
    zero="#bbbbbb", plate="#ffffff", current="#ddaa33", selection="#000000",
    kind_colors={"input": "#004488", "target": "#004488", "param": "#5d3a9b", "const": "#555555",
                 "op": "#000000", "activation": "#000000", "sum": "#000000", "loss": "#bb2244"},
)
HIGHLIGHT = "#ddaa33"
PROJECTOR_TYPE_PX = (13.0, 18.0)     # the graph's type and the current step's, in pixels at 1366x768
SMALL_SCREEN = (1366, 768)           # the graph's type grows with the screen from this size up
LEGEND_MIN_WIDTH = 800        # narrower graphs (a small GIF) leave the colour legend out
BASE_SIZE = (1920, 1080)      # type sizes below are in pixels at this size; other sizes scale them
TITLE_PX, CAPTION_PX, STEP_PX, EQUATION_PX, STATUS_PX = 46, 34, 27, 27, 24
MAX_EQUATION_LINES = 3
CAPTION_LINES = 2           # a caption wraps to at most this many lines
PANEL_TITLES = {"activation": "Activation", "surface": "Loss surface", "training": "Training",
                "gradient_flow": "Gradient flow"}


# -- the graph, for a projector --------------------------------------------------------------------
class ProjectorGraphView(gv.GraphView):
    """The stepper's graph view in the projector theme with larger type, the
    slide's highlights, and hidden values shown as "?"."""

    TYPE_PX = PROJECTOR_TYPE_PX

    def __init__(self, session, parent=None, text_scale: float = 1.0):
        self._hidden: tuple = ()
        self._highlight: tuple = ((), ())
        self._halo = None
        super().__init__(session, parent, text_scale=text_scale)
        self.theme = PROJECTOR
        self.show_legend = True
        self.setDragMode(gv.QGraphicsView.NoDrag)
        self.setFrameShape(gv.QGraphicsView.NoFrame)
        self.setFocusPolicy(Qt.NoFocus)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.rebuild()
        if session.state is not None:
            self.show_state(session.state, full=True)

    def rebuild(self, *args, **kwargs):
        super().rebuild(*args, **kwargs)
        self._halo = None
        if self._nodes:
            self._halo = QGraphicsPathItem()
            self._halo.setZValue(gv.Z_EDGE - 1)
            self._halo.setPen(QPen(Qt.NoPen))
            self._halo.setBrush(Qt.NoBrush)
            self.scene().addItem(self._halo)
            self._draw_highlight()

    def show_state(self, state, *args, **kwargs):
        super().show_state(state, *args, **kwargs)
        self._apply_hidden(state)

    def _legend_shown(self) -> bool:
        # the legend is a fixed pixel size: a small picture (a GIF) leaves it out
        return super()._legend_shown() and self.viewport().width() >= LEGEND_MIN_WIDTH

    # -- the slide's marks ---------------------------------------------------------------------------
    def set_marks(self, hidden=(), nodes=(), edges=()):
        """Hide these values ((kind, name) pairs) and highlight these nodes and edges."""
        self._hidden = tuple(hidden)
        self._highlight = (tuple(nodes), tuple(edges))
        self._draw_highlight()
        if self.session.state is not None and self._nodes:
            self.show_state(self.session.state, full=True)

    def hidden_texts(self) -> dict:
        """What a test reads: {node: (value text, gradient text)} for every node."""
        return {n: (it.value_text(), it.gradient_text()) for n, it in self._nodes.items()}

    def _draw_highlight(self):
        if self._halo is None:
            return
        nodes, edges = self._highlight
        path = QPainterPath()
        lay = self.layout_info
        for n in nodes:
            box = lay.boxes.get(n) if lay else None
            if box is None:
                continue
            pad = 10.0
            path.addRoundedRect(QRectF(box.x - box.w / 2 - pad, box.y - box.h / 2 - pad, box.w + 2 * pad,
                                       box.h + 2 * pad), 14, 14)
        line = QPainterPath()
        for a, b in edges:
            ba, bb = (lay.boxes.get(a), lay.boxes.get(b)) if lay else (None, None)
            if ba is None or bb is None:
                continue
            line.moveTo(QPointF(ba.x + ba.w / 2, ba.y))
            line.lineTo(QPointF(bb.x - bb.w / 2, bb.y))
        color = QColor(HIGHLIGHT)
        color.setAlphaF(0.55)
        if not line.isEmpty():
            stroke = QPen(color, 22.0)
            stroke.setCapStyle(Qt.RoundCap)
            st = QPainterPathStroker(stroke)
            path = path.united(st.createStroke(line)) if not path.isEmpty() else st.createStroke(line)
        self._halo.setBrush(QBrush(color))
        self._halo.setPath(path)

    def _apply_hidden(self, state):
        if not self._hidden or state is None or not self._nodes:
            return
        values = {n for k, n in self._hidden if k == "value"}
        grads = {n for k, n in self._hidden if k == "gradient"}
        fill = QColor(self.theme.node_fill)
        for n in values:
            if n in self._nodes and self._nodes[n].value_text():
                self._nodes[n].set_value(HIDDEN, fill)
        for n in grads:
            if n in self._nodes and self._nodes[n].gradient_text():
                self._nodes[n].set_gradient(f"∂ {HIDDEN}")
        digits = self.session.digits
        for (a, b), item in list(self._labels.items()):
            item.full_lines = [Line(self._mask_line(ln.text, a, b, state, values, grads, digits), ln.role,
                                    self._mask_line(ln.short, a, b, state, values, grads, digits) if ln.short else "")
                               for ln in item.full_lines]
        self._place_labels()

    def _mask_line(self, text, a, b, state, values, grads, digits):
        """One line of an edge label with the numbers it must not give away masked."""
        w = self._edge_weight(a, b)
        hide = []
        if a in values:
            hide.append(("value", a))
        if a in grads:
            hide.append(("gradient", a))
        if b in grads:
            hide.append(("gradient", b))
        if w is not None:
            if w in values:
                hide.append(("value", w))
            if w in grads:
                hide.append(("gradient", w))
        if not hide:
            return text
        return mask_numbers(text, hidden_numbers(state, hide, digits))

    def _edge_weight(self, a, b):
        n = self._graph.nodes.get(b) if hasattr(self, "_graph") else None
        if n is None or not n.weights:
            return None
        for i, w in zip(n.inputs, n.weights):
            if i == a:
                return w
        return None


def fit_lines(text: str, label: QLabel, lines: int) -> str:
    """``text`` cut at a word, with "…", so that it wraps to at most ``lines`` lines in ``label``."""
    fm = QFontMetricsF(label.font())
    width = max(1.0, label.width() - 4.0)

    def fits(t: str) -> bool:
        r = fm.boundingRect(QRectF(0, 0, width, 1e6), int(Qt.TextWordWrap), t.replace("**", "").replace("*", ""))
        return r.height() <= lines * fm.lineSpacing() + 1

    if not text or lines <= 0 or fits(text):
        return text
    words = text.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:                      # the most words that fit with the ellipsis
        mid = (lo + hi + 1) // 2
        if fits(" ".join(words[:mid]) + " …"):
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo]) + " …"


# -- the slide ------------------------------------------------------------------------------------
class PresentationView(QWidget):
    """One slide: title and progress, the graph (and the slide's plot panels),
    the step's equations, the slide's caption and the step's caption line.
    ``graph_only``: nothing but the graph (for exporting pictures of it)."""
    sigFrameChanged = Signal(int)

    def __init__(self, session, deck: Deck | None = None, parent=None, graph_only: bool = False):
        super().__init__(parent)
        self.session = session
        self.graph_only = graph_only
        self.deck = deck if deck is not None else deck_for(session)[0]
        self.index = 0
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor(PROJECTOR.background))
        pal.setColor(self.foregroundRole(), QColor(PROJECTOR.text))
        self.setPalette(pal)
        self.graph = ProjectorGraphView(session)
        self.title = self._label(bold=True)
        self.status = self._label(color=PROJECTOR.muted)
        self.status.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.equations = self._label(color="#000000")
        self.slide_caption = self._label()
        self.step_caption = self._label(color="#222222")
        for lab in (self.equations, self.slide_caption, self.step_caption):
            lab.setWordWrap(True)
        self.panels: dict[str, QWidget] = {}
        self._panel_box = QVBoxLayout()
        self._panel_box.setContentsMargins(0, 0, 0, 0)
        lay = QVBoxLayout(self)
        self._layout = lay
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.status, 0)
        lay.addLayout(top)
        middle = QHBoxLayout()
        middle.addWidget(self.graph, 3)
        self._side = QWidget()
        self._side.setLayout(self._panel_box)
        self._side.hide()
        middle.addWidget(self._side, 1)
        lay.addLayout(middle, 1)
        lay.addWidget(self.equations)
        lay.addWidget(self.slide_caption)
        lay.addWidget(self.step_caption)
        if graph_only:
            for w in (self.title, self.status, self.equations, self.slide_caption, self.step_caption):
                w.hide()
            lay.setContentsMargins(0, 0, 0, 0)
        self._texts = {"equations": [], "slide": "", "step": "", "title": ""}
        # what any slide of the deck shows gets its room on every slide (no jumps between slides)
        slides = self.deck.slides
        self._reserve = {"equations": MAX_EQUATION_LINES if any("equation" in sl.panels for sl in slides) else 0,
                         "slide": CAPTION_LINES if any(sl.caption for sl in slides) else 0,
                         "step": CAPTION_LINES,
                         "panels": any(n in PANEL_TITLES for sl in slides for n in sl.panels)}
        self._apply_sizes()
        session.sigFormatChanged.connect(self.refresh)
        session.sigStateChanged.connect(self._follow)

    def _label(self, bold=False, color=None) -> QLabel:
        lab = QLabel()
        lab.setTextFormat(Qt.RichText)
        lab.setFocusPolicy(Qt.NoFocus)
        lab.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        if color:
            lab.setStyleSheet(f"color: {color}")
        lab._bold = bold
        return lab

    # -- type sized to the screen ----------------------------------------------------------------
    def _scale(self) -> float:
        w, h = max(1, self.width()), max(1, self.height())
        return max(0.35, min(w / BASE_SIZE[0], h / BASE_SIZE[1]))

    def _apply_sizes(self):
        s = self._scale()
        for lab, px in ((self.title, TITLE_PX), (self.status, STATUS_PX), (self.equations, EQUATION_PX),
                        (self.slide_caption, CAPTION_PX), (self.step_caption, STEP_PX)):
            f = QFont(lab.font())
            f.setPixelSize(max(8, round(px * s)))
            f.setBold(lab._bold)
            lab.setFont(f)
        # the graph's type: at least PROJECTOR_TYPE_PX, larger on a larger screen
        self.graph.text_scale = max(1.0, min(self.width() / SMALL_SCREEN[0], self.height() / SMALL_SCREEN[1]))
        for lab, key in ((self.equations, "equations"), (self.slide_caption, "slide"), (self.step_caption, "step")):
            lines = self._reserve[key]
            lab.setFixedHeight(round(lines * QFontMetricsF(lab.font()).lineSpacing() + 2) if lines else 0)
        m = round(28 * s)
        if not self.graph_only:
            self._layout.setContentsMargins(m, round(16 * s), m, round(18 * s))
            self._layout.setSpacing(round(10 * s))

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self._apply_sizes()

    # -- what is shown ------------------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        return self.deck.frames[self.index]

    @property
    def slide(self) -> Slide:
        return self.deck.slide_of(self.index)

    def hidden(self):
        return self.deck.hidden(self.index)

    def show_frame(self, k: int) -> None:
        k = max(0, min(len(self.deck) - 1, int(k)))
        self.index = k
        f = self.frame
        s = self.session
        if s.position != f.position or s.state is None:
            s.seek(f.position)
        self.refresh()
        self.sigFrameChanged.emit(k)

    def _follow(self, state=None):
        """The window (or anything else) moved the session: show the click holding its step."""
        s = self.session
        if s.state is None or s.model is None or self.frame.position == s.position:
            return
        self.index = self.deck.frame_for(s.position)
        self.refresh()
        self.sigFrameChanged.emit(self.index)

    def next(self) -> bool:
        if self.index + 1 >= len(self.deck):
            return False
        self.show_frame(self.index + 1)
        return True

    def previous(self) -> bool:
        if self.index == 0:
            return False
        self.show_frame(self.index - 1)
        return True

    def first(self):
        self.show_frame(0)

    def last(self):
        self.show_frame(len(self.deck) - 1)

    def refresh(self, *_):
        s = self.session
        st = s.state
        if st is None or s.model is None:
            return
        slide, hidden = self.slide, self.hidden()
        self.graph.set_marks(hidden, slide.highlight_nodes, slide.highlight_edges)
        self._show_panels(slide.panels)
        if self.graph_only:
            return
        g, digits = s.graph, s.digits
        lr, opt = s.stepper.lr_for(st.cycle), s.stepper.optimizer_name     # this pass's update (the schedule)
        numbers = hidden_numbers(st, hidden, digits)
        title = slide.title or s.title or "visualnn"
        self._texts["title"] = title
        self.title.setText(emphasis_html(title))
        k = self.index
        where = explain.phase_text(st, s.cycle_length) if st.step is not None else "start"
        self.status.setText(html.escape(f"{where}  ·  {k + 1} / {len(self.deck)}"))
        # the equations of the step just done
        lines = [x for x in explain.equations(st, g, digits, lr, opt) if x] if "equation" in slide.panels else []
        lines = lines[:MAX_EQUATION_LINES]
        lines = [mask_numbers(x, numbers) for x in lines]
        self._texts["equations"] = lines
        fm = QFontMetricsF(self.equations.font())
        width = max(1.0, self.equations.width() - 4.0)
        # one line each, cut with "…" where it runs past the slide (the equation panel has them whole)
        self.equations.setText("<br>".join(html.escape(fm.elidedText(x, Qt.ElideRight, width)) for x in lines))
        self.equations.setVisible(self._reserve["equations"] > 0)
        # the slide's caption, then what the step did, in words
        cap = fill_caption(slide.caption, st, digits, hidden) if slide.caption else ""
        self._texts["slide"] = cap
        self.slide_caption.setText(emphasis_html(fit_lines(cap, self.slide_caption, self._reserve["slide"])))
        self.slide_caption.setVisible(self._reserve["slide"] > 0)
        step = mask_numbers(explain.caption(st, g, digits, lr, opt), numbers)
        self._texts["step"] = step
        self.step_caption.setText(html.escape(fit_lines(step, self.step_caption, self._reserve["step"])))

    def texts(self) -> dict:
        """The words on the slide now: title, equations (list), slide caption, step caption."""
        return dict(self._texts)

    def _show_panels(self, names):
        wanted = [n for n in names if n in PANEL_TITLES]
        for n in wanted:
            if n not in self.panels:
                panel = self._make_panel(n)
                if panel is None:
                    continue
                self.panels[n] = panel
                self._panel_box.addWidget(panel)
        for n, p in self.panels.items():
            p.setVisible(n in wanted)
        # room for panels on every slide if any slide has them: the graph keeps one scale for the whole file
        self._side.setVisible(self._reserve["panels"])

    def _make_panel(self, name):
        # the projector is black on white whatever the window's theme: plots made from now on
        # (this panel's and what it draws later) are light until the window takes its theme back
        from .plots.style import set_plot_theme  # pyqtgraph: only for a slide with a plot
        set_plot_theme("light")
        try:
            panel = panel_class(PANEL_NAMES.get(name, "Training"))(self.session)
        except (ImportError, ValueError, RuntimeError):
            return None
        for w in [panel] + panel.findChildren(QWidget):
            w.setFocusPolicy(Qt.NoFocus)
        return panel

    def close_panels(self):
        for p in self.panels.values():
            p.close()


# -- full screen ------------------------------------------------------------------------------------
NEXT_KEYS = (Qt.Key_PageDown, Qt.Key_Right, Qt.Key_Space, Qt.Key_Down, Qt.Key_Return, Qt.Key_Enter)
PREVIOUS_KEYS = (Qt.Key_PageUp, Qt.Key_Left, Qt.Key_Up, Qt.Key_Backspace)
BLACK_KEYS = (Qt.Key_B, Qt.Key_Period)


class PresentationWindow(QWidget):
    """The full-screen presentation over the stepper window; it starts at the
    window's step, and Esc closes it leaving the window at the step it reached."""
    sigClosed = Signal()

    def __init__(self, session, deck: Deck | None = None, parent=None):
        super().__init__(parent, Qt.Window)
        self.setWindowTitle(f"{session.title or 'visualnn'} — presentation")
        self.session = session
        self._restore = (session.view_mode, session.position)
        self.is_lecture = False
        if deck is None:
            if session.document is not None and getattr(session.document, "lecture", None):
                session.set_view_mode("neuron")     # lectures name the nodes of the file's own graph
            deck, self.is_lecture = deck_for(session)
        self.view = PresentationView(session, deck, self)
        self.black = QWidget(self)
        self.black.setAutoFillBackground(True)
        pal = self.black.palette()
        pal.setColor(self.black.backgroundRole(), QColor("#000000"))
        self.black.setPalette(pal)
        self.black.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursor(Qt.BlankCursor)
        # the slide that holds the window's step: the class sees where the lecturer is
        self.view.show_frame(deck.frame_for(session.position))

    @property
    def deck(self) -> Deck:
        return self.view.deck

    @property
    def blacked_out(self) -> bool:
        return self.black.isVisible()

    def toggle_black(self):
        if self.black.isVisible():
            self.black.hide()
        else:
            self.black.setGeometry(self.rect())
            self.black.show()
            self.black.raise_()

    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self.black.setGeometry(self.rect())

    def keyPressEvent(self, ev):
        key = ev.key()
        if key == Qt.Key_Escape:
            self.close()
        elif key in BLACK_KEYS:
            self.toggle_black()
        elif self.black.isVisible() and key in NEXT_KEYS + PREVIOUS_KEYS + (Qt.Key_Home, Qt.Key_End):
            self.black.hide()           # any move brings the picture back first
        elif key in NEXT_KEYS:
            self.view.next()
        elif key in PREVIOUS_KEYS:
            self.view.previous()
        elif key == Qt.Key_Home:
            self.view.first()
        elif key == Qt.Key_End:
            self.view.last()
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()

    def mousePressEvent(self, ev):
        if ev.button() == Qt.LeftButton:
            self._click(True)
        elif ev.button() == Qt.RightButton:
            self._click(False)

    def _click(self, forward: bool):
        if self.black.isVisible():
            self.black.hide()
        elif forward:
            self.view.next()
        else:
            self.view.previous()

    def closeEvent(self, ev):
        self.view.close_panels()
        mode, _ = self._restore
        s = self.session
        if s.model is not None and s.view_mode != mode:
            s.set_view_mode(mode)       # the same step in the window's view: where the class got to
        super().closeEvent(ev)
        self.sigClosed.emit()


def open_presentation(session, parent: QWidget) -> PresentationWindow:
    """Present ``session`` full screen on ``parent``'s screen (closed by Esc)."""
    p = PresentationWindow(session, parent=parent)
    p.setAttribute(Qt.WA_DeleteOnClose)
    screen = parent.screen()
    if screen is not None:
        p.setGeometry(screen.geometry())
    p.showFullScreen()
    p.activateWindow()
    p.setFocus()
    return p


def start_presentation(window) -> PresentationWindow | None:
    """Present the stepper window's network full screen, as F5 does."""
    return window.present()
