"""Drawing a widget as a picture (PNG or SVG), written safely (``export_write``:
nothing is ever left half-written under the final name)."""
from __future__ import annotations

import contextlib
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QWidget

from .export_write import MAX_PIXELS, ExportError, atomic_path

PNG_QUALITY = 80                  # Qt's PNG quality: zlib level (100 - q) * 9 / 91, here 1


# -- pictures ------------------------------------------------------------------------------------
def process_events():
    app = QApplication.instance()
    if app is not None:
        app.processEvents()


def render_image(widget: QWidget, scale: float = 1.0) -> QImage:
    """``widget`` as it looks now, drawn at ``scale`` times its size."""
    w, h = max(1, widget.width()), max(1, widget.height())
    W, H = max(1, round(w * scale)), max(1, round(h * scale))
    if W * H > MAX_PIXELS:
        raise ExportError(f"{W}x{H} pixels is too large a picture (at most {MAX_PIXELS:,} pixels)")
    img = QImage(W, H, QImage.Format_RGB32)            # opaque: a PNG without an alpha channel, a quarter less to pack
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


def write_png(img: QImage, path: Path) -> bool:
    """``img`` as a PNG at ``path``, packed at zlib's fastest level (Qt's quality 80 is level 1:
    at 1920x1080 about half the time of the default level 6, and no larger without the alpha)."""
    return img.save(str(path), "PNG", PNG_QUALITY)


def save_png(img: QImage, path: Path) -> Path:
    with atomic_path(path) as tmp:
        if not write_png(img, tmp):
            raise ExportError(f"cannot write {path}")
    return Path(path)


class PngQueue:
    """PNG files packed on a worker thread while the next frame is drawn (a ``QImage``
    may be used from another thread, and ``QImage.save`` lets go of the GIL); at most
    ``depth`` frames wait, so memory stays a few frames.  ``put`` raises the
    ``ExportError`` of a frame that could not be written; ``close`` waits for the rest."""

    def __init__(self, depth: int = 2):
        self.depth = depth
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="png")
        self._pending: deque = deque()

    def put(self, img: QImage, path: Path, shown: Path) -> None:
        while len(self._pending) >= self.depth:
            self._finish(self._pending.popleft())
        self._pending.append((self._pool.submit(write_png, img, path), shown))

    @staticmethod
    def _finish(item) -> None:
        future, shown = item
        if not future.result():
            raise ExportError(f"cannot write {shown}")

    def close(self) -> None:
        try:
            while self._pending:
                self._finish(self._pending.popleft())
        finally:
            for future, _ in self._pending:
                future.cancel()
            self._pool.shutdown(wait=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.close()
        else:                                   # failed or cancelled: stop, but let no thread write on
            self._pending.clear()
            self._pool.shutdown(wait=True, cancel_futures=True)


def to_pil(img: QImage):
    from PIL import Image
    rgb = img.convertToFormat(QImage.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    data = bytes(rgb.constBits())
    return Image.frombuffer("RGB", (w, h), data, "raw", "RGB", rgb.bytesPerLine(), 1).copy()
