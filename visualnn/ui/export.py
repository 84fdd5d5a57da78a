"""Export pictures, animations and tables: File > Export… and ``visualnn export``.

- A picture of the current view (the graph, the slide, the whole window, any
  plot panel) as PNG at a chosen size or scale, or as SVG (``QSvgGenerator``:
  vector lines and real text, node names searchable).
- A range of steps, or every click of the file's lecture, as numbered PNG
  frames, an animated GIF (Pillow) or an MP4 (PyAV, the optional ``video``
  extra).  Frames are drawn offscreen in the presentation look (projector
  theme, large type) on a copy of the network, so the window is left alone.
- The worked example as a table of every forward and backward step
  (``engine.handout``): Markdown, CSV, LaTeX.

Nothing is ever left half-written under the final name: files are written to a
temporary name in the same folder and renamed, frames into a temporary folder
and then moved.  Long exports report progress and can be cancelled.

Headless::

    visualnn export FILE --out PATH [--steps all|A-B|lecture] [--format png|svg|gif|mp4|md|csv|tex]
                         [--size WxH|Nx] [--view graph|window|activation|surface] [--sample I]

``--view window`` is the whole presentation screen (title, graph, equations,
captions); ``graph`` is the graph alone.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, qInstallMessageHandler
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGraphicsItem,
    QGraphicsView,
    QHBoxLayout,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from ..engine.handout import handout_of
from ..io.budget import export_refusal
from ..io.lecture import Slide
from ..state.session import DIGIT_RANGE
from .gifstream import GifStream
from .plots import PANEL_NAMES, panel_class
from .present import Deck, PresentationView, deck_for
from .session import Session
from .text import critical, plain_label

PICTURE_FORMATS = ("png", "svg")
ANIMATION_FORMATS = ("frames", "svgframes", "gif", "mp4")
TABLE_FORMATS = ("md", "csv", "tex")
FORMATS = PICTURE_FORMATS + ANIMATION_FORMATS + TABLE_FORMATS
VIEWS = ("graph", "window", "activation", "surface")
DEFAULT_SIZE = (1920, 1080)
FRAME_SECONDS = 1.2               # each step on screen in a GIF or video
LAST_FRAME_SECONDS = 3.0
VIDEO_FPS = 10
MAX_PIXELS = 8192 * 8192
FRAME_NAME = "frame_{:04d}.{}"
FRAME_PATTERN = re.compile(r"frame_\d{4,}\.(png|svg)")
SUFFIXES = {".png": "png", ".svg": "svg", ".gif": "gif", ".mp4": "mp4", ".md": "md", ".markdown": "md",
            ".csv": "csv", ".tex": "tex"}
VIDEO_MISSING = ("MP4 export needs the optional PyAV package, which is not installed. "
                 "Install it with: pip install 'visualnn[video]'  (or: pip install av)")


class ExportError(Exception):
    """A message for the user (bad request, or the file cannot be written)."""


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


Progress = Callable[[int, int], bool]      # (done, total) -> keep going?


def video_available() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


# -- writing safely ----------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_path(path: Path):
    """A temporary file name beside ``path``; renamed onto it when the block
    succeeds, removed when it fails or is cancelled."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=folder)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _mode(0o666, path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode(full: int, existing: Path | None = None) -> int:
    """The permissions a new file gets (``full`` less the umask), or those of the file it replaces."""
    if existing is not None:
        with contextlib.suppress(OSError):
            return os.stat(existing).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return full & ~umask


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    return Path(path)


# -- rendering ------------------------------------------------------------------------------------
def _process_events():
    app = QApplication.instance()
    if app is not None:
        app.processEvents()


def render_image(widget: QWidget, scale: float = 1.0) -> QImage:
    """``widget`` as it looks now, drawn at ``scale`` times its size."""
    w, h = max(1, widget.width()), max(1, widget.height())
    W, H = max(1, round(w * scale)), max(1, round(h * scale))
    if W * H > MAX_PIXELS:
        raise ExportError(f"{W}x{H} pixels is too large a picture (at most {MAX_PIXELS:,} pixels)")
    img = QImage(W, H, QImage.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(scale)
    img.fill(Qt.white)
    p = QPainter(img)
    try:
        p.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
        QWidget.render(widget, p, QPoint())     # the widget as drawn (QGraphicsView.render means the scene)
    finally:
        p.end()
    img.setDevicePixelRatio(1.0)
    return img


@contextlib.contextmanager
def _vector_items(widget: QWidget):
    """Graphics items cached as pixmaps would land in an SVG as pictures:
    draw them directly while exporting."""
    views = [widget] if isinstance(widget, QGraphicsView) else []
    views += widget.findChildren(QGraphicsView)
    saved = []
    for v in views:
        sc = v.scene()
        if sc is None:
            continue
        for it in sc.items():
            if it.cacheMode() != QGraphicsItem.NoCache:
                saved.append((it, it.cacheMode()))
                it.setCacheMode(QGraphicsItem.NoCache)
    try:
        yield
    finally:
        for it, mode in saved:
            it.setCacheMode(mode)


def write_svg(widget: QWidget, path: Path, title: str = "", description: str = "") -> Path:
    """``widget`` as an SVG drawing (QSvgGenerator: lines and text stay vectors)."""
    from PySide6.QtSvg import QSvgGenerator
    w, h = max(1, widget.width()), max(1, widget.height())
    with atomic_path(path) as tmp:
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(w, h))
        gen.setViewBox(QRect(0, 0, w, h))
        gen.setTitle(title or "visualnn")
        gen.setDescription(description or "exported by visualnn")
        with _vector_items(widget):
            p = QPainter()
            if not p.begin(gen):
                raise ExportError(f"cannot write {path}")
            try:
                p.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
                QWidget.render(widget, p, QPoint())     # the widget as drawn (QGraphicsView.render means the scene)
            finally:
                p.end()
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise ExportError(f"cannot write {path}")
        _drop_empty_paths(tmp)
    return Path(path)


_EMPTY_PATH = re.compile(r'<path\b[^>]*\sd=""[^>]*/>\s*')


def _drop_empty_paths(svg: Path):
    """QSvgGenerator writes an empty shape as ``d=""``, which Inkscape reports as invalid path data."""
    text = svg.read_text(encoding="utf-8")
    clean = _EMPTY_PATH.sub("", text)
    if clean != text:
        svg.write_text(clean, encoding="utf-8")


def save_png(img: QImage, path: Path) -> Path:
    with atomic_path(path) as tmp:
        if not img.save(str(tmp), "PNG"):
            raise ExportError(f"cannot write {path}")
    return Path(path)


def to_pil(img: QImage):
    from PIL import Image
    rgb = img.convertToFormat(QImage.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    data = bytes(rgb.constBits())
    return Image.frombuffer("RGB", (w, h), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()


class FrameRenderer:
    """Draws a network's steps offscreen at a fixed size, in the presentation look.

    ``view``: "graph" (the graph alone), "window" (the whole slide), "activation"
    or "surface" (a plot panel following the steps).  ``deck``: the clicks to
    draw (a lecture, or a range of steps)."""

    def __init__(self, session, deck: Deck, view: str = "graph", size=DEFAULT_SIZE, scale: float = 1.0):
        if view not in VIEWS:
            raise ExportError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
        self.session, self.deck, self.view_name, self.scale = session, deck, view, float(scale)
        self.title = ""
        w, h = int(size[0]), int(size[1])
        if w < 16 or h < 16:
            raise ExportError(f"a picture of {w}x{h} is too small (at least 16x16)")
        if w * h * self.scale ** 2 > MAX_PIXELS:
            raise ExportError(f"{round(w * self.scale)}x{round(h * self.scale)} pixels is too large "
                              f"(at most {MAX_PIXELS:,} pixels)")
        self.size = (w, h)
        self.slide = PresentationView(session, deck, graph_only=(view == "graph"))
        self.slide.graph.set_motion(False)          # a frame is the step itself, not a moment of its motion
        self.panel = None
        if view in ("activation", "surface"):
            self.panel = panel_class(PANEL_NAMES[view])(session)
            self.widget = self.panel
        else:
            self.widget = self.slide
        self.widget.setAttribute(Qt.WA_DontShowOnScreen, True)
        self.widget.resize(w, h)
        self.widget.show()
        _process_events()
        if self.panel is not None:
            self.widget = self._plot_alone(self.panel, w, h)

    @staticmethod
    def _plot_alone(panel: QWidget, w: int, h: int) -> QWidget:
        """The panel's plot without its controls: the panel grows until the plot is ``w`` x ``h``."""
        plot = getattr(panel, "map", None) or getattr(panel, "view", None)
        if not isinstance(plot, QWidget):
            return panel
        for _ in range(3):
            dw, dh = w - plot.width(), h - plot.height()
            if dw == 0 and dh == 0:
                break
            panel.resize(panel.width() + dw, panel.height() + dh)
            _process_events()
        return plot

    def __len__(self) -> int:
        return len(self.deck)

    def show(self, k: int) -> QWidget:
        self.slide.show_frame(k)
        if self.panel is not None:
            self.panel.wait(30000)          # a surface still being computed
        _process_events()
        if self.view_name == "graph" and self.slide.graph.size() != self.slide.size():
            self.slide.layout().activate()
        return self.widget

    def image(self, k: int) -> QImage:
        return render_image(self.show(k), self.scale)

    def close(self):
        self.slide.close_panels()
        for w in (self.panel, self.slide):
            if w is not None:
                w.close()
                w.deleteLater()


def write_frames(renderer: FrameRenderer, out_dir: Path, progress: Progress | None = None,
                 kind: str = "png") -> list[Path]:
    """Every click as ``frame_0001.png``… (``kind`` "svg": ``frame_0001.svg``…),
    into ``out_dir`` (made if missing; older frames there are replaced)."""
    out_dir = Path(out_dir)
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"cannot write frames into {out_dir}: it is a file")
    if not parent.is_dir():
        raise ExportError(f"cannot write frames into {out_dir}: the folder {parent} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    except OSError as e:
        raise ExportError(f"cannot write frames into {out_dir}: {e.strerror or e}") from None
    n = len(renderer)
    names = []
    try:
        for k in range(n):
            if progress is not None and not progress(k, n):
                raise ExportCancelled()
            name = FRAME_NAME.format(k + 1, kind)
            if kind == "svg":
                write_svg(renderer.show(k), tmp / name, renderer.title, f"step {renderer.deck.frames[k].position}")
            elif not renderer.image(k).save(str(tmp / name), "PNG"):
                raise ExportError(f"cannot write {out_dir / name}")
            names.append(name)
        if progress is not None:
            progress(n, n)
        for name in names:
            os.chmod(tmp / name, _mode(0o666))
        if not out_dir.exists():
            os.chmod(tmp, _mode(0o777))
            os.replace(tmp, out_dir)
        else:
            for name in names:
                os.replace(tmp / name, out_dir / name)
            for old in out_dir.iterdir():           # frames of an earlier, longer export
                if FRAME_PATTERN.fullmatch(old.name) and old.name.endswith(kind) and old.name not in names:
                    old.unlink()
            tmp.rmdir()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out_dir / name for name in names]


def write_gif(renderer: FrameRenderer, path: Path, progress: Progress | None = None,
              seconds: float = FRAME_SECONDS) -> Path:
    """An animated GIF, one frame per click, looping; each frame is written as it is
    made (memory for one frame, not all), and ``progress`` may cancel between frames."""
    from PIL import Image
    n = len(renderer)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        gif = GifStream(f)
        for k in range(n):
            if progress is not None and not progress(k, n):
                raise ExportCancelled()
            frame = to_pil(renderer.image(k)).quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                       dither=Image.Dither.NONE)
            gif.add(frame, max(seconds, LAST_FRAME_SECONDS) if k == n - 1 else seconds)
        gif.close()
    if progress is not None:
        progress(n, n)
    return Path(path)


def write_mp4(renderer: FrameRenderer, path: Path, progress: Progress | None = None,
              seconds: float = FRAME_SECONDS) -> Path:
    """An MP4 video (H.264 when the codec is there, else MPEG-4), one step per ``seconds``."""
    try:
        import av
    except ImportError:
        raise ExportError(VIDEO_MISSING) from None
    import numpy as np
    n = len(renderer)
    with atomic_path(path) as tmp:
        container = av.open(str(tmp), mode="w", format="mp4")
        # an encoder this PyAV lacks raises ValueError, or FFmpegError where PyAV has it
        codec_errors = (ValueError, getattr(getattr(av, "error", None), "FFmpegError", ValueError))
        try:
            stream = None
            for codec in ("libx264", "h264", "libopenh264", "mpeg4"):
                try:
                    stream = container.add_stream(codec, rate=VIDEO_FPS)
                    break
                except codec_errors:
                    continue
            if stream is None:
                raise ExportError("this PyAV has no H.264 or MPEG-4 encoder; cannot write an MP4")
            for k in range(n):
                if progress is not None and not progress(k, n):
                    raise ExportCancelled()
                img = renderer.image(k).convertToFormat(QImage.Format_RGB888)
                w, h = img.width() // 2 * 2, img.height() // 2 * 2
                if k == 0:
                    stream.width, stream.height = w, h
                    stream.pix_fmt = "yuv420p"
                arr = np.frombuffer(bytes(img.constBits()), np.uint8).reshape(img.height(), img.bytesPerLine())
                arr = arr[:h, :w * 3].reshape(h, w, 3)
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(arr), format="rgb24")
                repeat = round((LAST_FRAME_SECONDS if k == n - 1 else seconds) * VIDEO_FPS)
                for _ in range(max(1, repeat)):
                    for packet in stream.encode(frame):
                        container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        finally:
            container.close()
    if progress is not None:
        progress(n, n)
    return Path(path)


# -- what to export ----------------------------------------------------------------------------------
def parse_size(text: str | None) -> tuple[tuple[int, int], float]:
    """``WxH``, ``Nx`` (the default size drawn N times finer) or ``WxH@Nx`` -> ((W, H), scale)."""
    if text is None:
        return DEFAULT_SIZE, 1.0
    t = text.strip().lower().replace("×", "x")
    m = re.fullmatch(r"(\d+)x(\d+)(?:@(\d+(?:\.\d+)?)x)?", t)
    if m:
        w, h = int(m.group(1)), int(m.group(2))
        scale = float(m.group(3)) if m.group(3) else 1.0
    else:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)x", t)
        if not m:
            raise ExportError(f"--size {text!r}: expected WIDTHxHEIGHT (1920x1080), a scale (2x) or both "
                              f"(960x540@2x)")
        (w, h), scale = DEFAULT_SIZE, float(m.group(1))
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise ExportError(f"--size {text!r}: width and height must be between 16 and 8192 pixels")
    if not 0.25 <= scale <= 8:
        raise ExportError(f"--size {text!r}: the scale must be between 0.25x and 8x")
    if w * h * scale * scale > MAX_PIXELS:
        raise ExportError(f"--size {text!r}: {round(w * scale)}x{round(h * scale)} is too large "
                          f"(at most {MAX_PIXELS:,} pixels)")
    return (w, h), scale


def step_slides(session, steps: str | None) -> tuple[list[Slide], str]:
    """The clicks ``--steps`` asks for: "all" (the start frame, then every step of the first pass),
    "A-B" or "N" (positions; 0 is the start), or "lecture" (the file's slides).
    Returns (slides, what they are, in words)."""
    L = session.cycle_length
    t = (steps or "all").strip().lower()
    if t == "lecture":
        deck, is_lecture = deck_for(session)
        if not is_lecture:
            raise ExportError("--steps lecture: the file has no lecture section; use --steps all or A-B")
        return deck.slides, f"the lecture ({len(deck.slides)} slides)"
    if t == "all":
        return [Slide(0, L)], f"the start and steps 1-{L}"
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", t)
    if not m:
        raise ExportError(f"--steps {steps!r}: expected all, lecture, a step N or a range A-B (steps 1-{L} "
                          f"are the first pass; 0 is the start)")
    a = int(m.group(1))
    b = int(m.group(2)) if m.group(2) is not None else a
    if a > b:
        raise ExportError(f"--steps {steps!r}: the range runs backwards")
    top = L * 1000 if session.has_update else L
    if b > top:
        more = "" if session.has_update else " (the network has no update, so there is one pass)"
        raise ExportError(f"--steps {steps!r}: the network has steps 0-{top}{more}")
    if b - a + 1 > 100_000:
        raise ExportError(f"--steps {steps!r}: at most 100,000 frames at once")
    return [Slide(a, b)], f"steps {a}-{b}" if a != b else f"step {a}"


def infer_format(out: str, given: str | None) -> str:
    """The format from ``--format``, else from the suffix of ``--out`` (a folder: PNG frames)."""
    p = Path(out)
    if given is not None:
        folder = out.endswith(("/", os.sep)) or p.is_dir()
        if given == "png" and (folder or p.suffix.lower() != ".png"):
            return "frames"
        if given == "svg" and (folder or p.suffix.lower() != ".svg"):
            return "svgframes"          # one numbered SVG drawing per step, into the folder
        return given
    if out.endswith(("/", os.sep)) or p.is_dir():
        return "frames"
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise ExportError(f"--out {out}: cannot tell the format from the name; give --format "
                          f"({', '.join(sorted(set(SUFFIXES.values())))}) or a name ending in "
                          f"{', '.join(SUFFIXES)}; a folder means PNG frames")
    return fmt


@dataclass
class Request:
    format: str                   # png svg frames gif mp4 md csv tex
    out: Path
    view: str = "graph"
    size: tuple[int, int] = DEFAULT_SIZE
    scale: float = 1.0
    slides: list | None = None    # None: every step of the first pass


def export(session, req: Request, progress: Progress | None = None, title: str = "") -> list[Path]:
    """Do the export ``req`` asks for from ``session`` (its network, sample and
    view mode; the session is moved through the steps); returns what was written."""
    fmt = req.format
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    slides = req.slides if req.slides is not None else step_slides(session, "all")[0]
    if fmt in TABLE_FORMATS:
        lo = min(s.start for s in slides)
        hi = max(s.end for s in slides)
        cycle = session.stepper.cycle_of(max(1, hi))
        base = cycle * session.cycle_length
        positions = None
        if req.slides is not None:
            positions = range(max(1, lo - base), hi - base + 1)
        h = handout_of(session.stepper, cycle, positions, title or session.title)
        return [write_text(req.out, h.text(fmt))]
    if fmt == "mp4" and not video_available():
        raise ExportError(VIDEO_MISSING)
    deck = Deck(slides)
    if fmt in PICTURE_FORMATS:
        deck = Deck([Slide(slides[-1].end, slides[-1].end, *(_slide_fields(slides[-1])))])
    w, h = req.size or DEFAULT_SIZE
    refusal = export_refusal(len(deck), round(w * req.scale), round(h * req.scale))
    if refusal is not None:                  # decided before the first frame is drawn
        raise ExportError(refusal)
    renderer = FrameRenderer(session, deck, req.view, req.size, req.scale)
    try:
        if fmt == "png":
            return [save_png(renderer.image(len(deck) - 1), req.out)]
        if fmt == "svg":
            return [write_svg(renderer.show(len(deck) - 1), req.out, title or session.title,
                              "exported by visualnn")]
        if fmt in ("frames", "svgframes"):
            renderer.title = title or session.title
            return write_frames(renderer, req.out, progress, "svg" if fmt == "svgframes" else "png")
        if fmt == "gif":
            return [write_gif(renderer, req.out, progress)]
        return [write_mp4(renderer, req.out, progress)]
    finally:
        renderer.close()


def _slide_fields(s: Slide):
    return (s.title, s.panels, s.caption, s.highlight_nodes, s.highlight_edges, s.hide, s.place)


# -- the command line --------------------------------------------------------------------------------
def _ensure_gui():
    """A QApplication, offscreen when there is no display."""
    if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        previous = None

        def quiet(mode, context, message):
            # the offscreen platform's notes about window hints are not the user's business
            if "propagateSizeHints" in message:
                return
            if previous is not None:
                previous(mode, context, message)
            else:
                sys.stderr.write(message + "\n")
        previous = qInstallMessageHandler(quiet)
        app = QApplication(sys.argv[:1])
    return app


def export_document(doc, out: str, fmt: str | None = None, view: str = "graph", size: str | None = None,
                    steps: str | None = None, sample: int = 0,
                    progress: Progress | None = None, digits: int | None = None) -> tuple[list[Path], str, str]:
    """Render a loaded document without a window (``visualnn export``): a
    QApplication is made, offscreen when there is no display.  Returns the
    files written, the format and what was exported.  Bad arguments raise
    ``ExportError`` (a message for the user); ``progress`` (animations) may cancel."""
    fmt = infer_format(out, fmt)
    size_px, scale = parse_size(size)
    if fmt == "mp4" and not video_available():
        raise ExportError(VIDEO_MISSING)
    samples = doc.model.samples()
    if not 0 <= sample < max(1, len(samples)):
        raise ExportError(f"--sample {sample} is out of range; the file has {len(samples)} sample(s) "
                          f"(0..{len(samples) - 1})")
    if fmt in PICTURE_FORMATS and (steps or "all") not in ("all",) and not re.fullmatch(r"\s*\d+\s*", steps or ""):
        raise ExportError(f"--steps {steps!r}: a {fmt.upper()} file holds one picture; give one step "
                          f"(--steps N), or a folder (--out DIR/) for one PNG per step")
    _ensure_gui()
    session = Session(document=doc)
    if sample:
        session.set_sample(sample)
    if digits is not None:
        if not DIGIT_RANGE[0] <= digits <= DIGIT_RANGE[1]:
            raise ExportError(f"--digits {digits}: expected {DIGIT_RANGE[0]} to {DIGIT_RANGE[1]} (as View > Digits)")
        session.set_digits(digits)
    slides, what = step_slides(session, steps)
    if fmt in PICTURE_FORMATS:
        what = f"step {slides[-1].end}"         # one picture: the last step asked for
    req = Request(fmt, Path(out), view, size_px, scale,
                  slides if (steps or "all").strip().lower() != "all" or fmt not in TABLE_FORMATS else None)
    written = export(session, req, progress if fmt in ANIMATION_FORMATS else None, doc.model.title)
    return written, fmt, what


# -- the GUI -----------------------------------------------------------------------------------------
FORMAT_LABELS = {"png": "PNG picture", "svg": "SVG drawing", "frames": "PNG frames (a folder)",
                 "svgframes": "SVG frames (a folder)",
                 "gif": "Animated GIF", "mp4": "MP4 video", "md": "Markdown table", "csv": "CSV table",
                 "tex": "LaTeX table"}
FILTERS = {"png": "PNG pictures (*.png)", "svg": "SVG drawings (*.svg)", "gif": "GIF animations (*.gif)",
           "mp4": "MP4 videos (*.mp4)", "md": "Markdown (*.md)", "csv": "CSV (*.csv)", "tex": "LaTeX (*.tex)"}
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
        self.note = plain_label()
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(plain_label("Format"), self.format)
        form.addRow(plain_label("View"), self.what)
        form.addRow(plain_label("Size"), self.size)
        form.addRow(plain_label("Scale"), self.scale)
        form.addRow(plain_label("Steps"), self.steps)
        form.addRow(plain_label(""), self.range_box)
        form.addRow(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for c in (self.format, self.size, self.steps, self.what):
            c.currentIndexChanged.connect(self._sync)
        self._sync()

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
        i = self.what.findData(keep)
        self.what.setCurrentIndex(max(0, i))
        self.what.blockSignals(False)
        self.what.setEnabled(not table)
        self.size.setEnabled(not table)
        if not picture and self.size.currentData() is None:
            self.size.setCurrentIndex(1)
        self.scale.setEnabled(not table)
        self.steps.setEnabled(not picture)
        self.range_box.setVisible(self.steps.currentData() == "range" and not picture)
        self.note.setText({"frames": "One numbered PNG per step, into a folder of your choice.",
                           "svgframes": "One numbered SVG drawing per step, into a folder of your choice.",
                           "mp4": "" if video_available() else VIDEO_MISSING,
                           "md": "Every forward and backward step with values, local and upstream gradients "
                                 "and their products."}.get(fmt, ""))

    def request_parts(self):
        """(format, view data, size, scale, steps choice, first, last)."""
        return (self.format.currentData(), self.what.currentData(), self.size.currentData(),
                self.scale.currentData(), self.steps.currentData(), self.first.value(), self.last.value())


def _export_session(session):
    """A copy of the window's network to step through offscreen, at the same sample and view."""
    s = Session()
    s.document = session.document
    s.set_model(session.model.copy())
    s.document = session.document
    s.set_sample(session.sample_index)
    s.set_view_mode(session.view_mode)
    s.set_digits(session.digits)
    s.set_lecture_style(session.lecture_style)
    return s


def run_export_dialog(window) -> list[Path] | None:
    """File > Export…: ask, then export with a cancellable progress dialog."""
    s = window.session
    if s.model is None:
        return None
    dlg = ExportDialog(window)
    if dlg.exec() != QDialog.Accepted:
        return None
    fmt, what, size, scale, steps, first, last = dlg.request_parts()
    name = Path(s.path).stem if s.path else "network"
    folder = export_folder(window.settings)
    if fmt in ("frames", "svgframes"):
        out = QFileDialog.getExistingDirectory(window, "Folder for the frames", str(folder))
    else:
        out, _ = QFileDialog.getSaveFileName(window, "Export", str(folder / f"{name}.{fmt}"), FILTERS[fmt])
    if not out:
        return None
    written = export_from_window(window, fmt, Path(out), what, size, scale, steps, first, last)
    if written:
        window.settings.setValue(LAST_FOLDER_KEY, str(Path(out) if fmt in ("frames", "svgframes")
                                                      else Path(out).parent))
    return written


LAST_FOLDER_KEY = "lastExportFolder"


def export_folder(settings) -> Path:
    """Where the export dialog starts: the last folder exported to, else home (never
    inside the installed package, where the bundled examples live)."""
    last = settings.value(LAST_FOLDER_KEY) if settings is not None else None
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    return Path.home()


def export_from_window(window, fmt, out: Path, what=("render", "graph"), size=DEFAULT_SIZE, scale=1.0,
                       steps="now", first=0, last=0) -> list[Path] | None:
    """Export from the stepper window (the dialog's choices; tests call this directly)."""
    s = window.session
    try:
        if fmt in PICTURE_FORMATS and what[0] == "live":
            widget = live_views(window)[what[1]]
            if fmt == "png":
                written = [save_png(render_image(widget, scale or 1.0), out)]
            else:
                written = [write_svg(widget, out, s.title)]
        else:
            es = _export_session(s)
            es.seek(s.position)
            if steps == "lecture":
                slides = step_slides(es, "lecture")[0]
            elif steps == "all":
                c = s.state.cycle if s.state is not None else 0
                L = s.cycle_length
                slides = [Slide(c * L + 1, (c + 1) * L)]
            elif steps == "range":
                slides = step_slides(es, f"{min(first, last)}-{max(first, last)}")[0]
            else:
                slides = [Slide(s.position, s.position)]
            progress, dialog = _progress_dialog(window, fmt)
            try:
                written = export(es, Request(fmt, out, what[1] if what else "graph", size or DEFAULT_SIZE,
                                             scale or 1.0, slides), progress, s.title)
            finally:
                if dialog is not None:
                    dialog.close()
    except ExportCancelled:
        window.statusBar().showMessage("Export cancelled; nothing was written", 5000)
        return None
    except (ExportError, OSError) as err:
        critical(window, "Cannot export", str(err))
        return None
    window.statusBar().showMessage(f"Exported {written[0] if len(written) == 1 else out}", 5000)
    return written


def _progress_dialog(window, fmt):
    if fmt not in ANIMATION_FORMATS:
        return None, None
    dlg = QProgressDialog("Exporting frames…", "Cancel", 0, 100, window)
    dlg.setWindowTitle("Export")
    dlg.setWindowModality(Qt.WindowModal)
    dlg.setMinimumDuration(300)

    def progress(done, total):
        dlg.setMaximum(total)
        dlg.setValue(done)
        dlg.setLabelText(f"Exporting frame {min(done + 1, total)} of {total}…")
        return not dlg.wasCanceled()
    return progress, dlg
