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
                         [--digits N] [--motion N]

``--motion N`` puts N in-between frames before each step of a GIF, an MP4 or a
folder of frames: the window's own motion between steps (values travel along
their edges, gradients travel back, weight colours fade), drawn moment by
moment.  Steps 0-3 with ``--motion 4`` are 1 + 3 * (4 + 1) = 16 frames.

``--view window`` is the whole presentation screen (title, graph, equations,
captions); ``graph`` is the graph alone.

The work is shared by responsibility: ``export_files`` (writing safely, PNG
and SVG pictures), ``export_frames`` (offscreen frames; PNG frames, GIF, MP4),
``export_request`` (formats, ``--size``, ``--steps``, ``--out``) and
``export_dialog`` (File > Export…'s dialog); this module holds the entry points
and re-exports their names.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import Qt, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QProgressDialog

from ..engine.handout import handout_of  # noqa: F401 (re-exported)
from ..io.budget import export_refusal
from ..io.lecture import Slide
from .export_dialog import DEFAULT_MOTION, FILTERS, FORMAT_LABELS, SIZES, ExportDialog, live_views
from .export_files import PngQueue, render_image, save_png, to_pil, write_png, write_svg
from .export_frames import (
    DEFAULT_SIZE,
    FRAME_NAME,
    FRAME_PATTERN,
    FRAME_SECONDS,
    LAST_FRAME_SECONDS,
    MOTION_VIDEO_FPS,
    VIDEO_FPS,
    VIDEO_MISSING,
    VIEWS,
    FrameRenderer,
    motion_frames,
    video_available,
    write_frames,
    write_gif,
    write_mp4,
)
from .export_request import (
    ANIMATION_FORMATS,
    FORMATS,
    PICTURE_FORMATS,
    SUFFIXES,
    TABLE_FORMATS,
    Request,
    check_motion,
    infer_format,
    parse_size,
    step_slides,
)
from .export_tables import export_table, prepared_session, write_table
from .export_write import MAX_PIXELS, ExportCancelled, ExportError, Progress, atomic_path, write_text
from .present import Deck, deck_for
from .session import Session
from .text import critical

__all__ = [
    "ANIMATION_FORMATS", "DEFAULT_MOTION", "DEFAULT_SIZE", "FILTERS", "FORMATS", "FORMAT_LABELS", "FRAME_NAME",
    "FRAME_PATTERN", "FRAME_SECONDS", "LAST_FOLDER_KEY", "LAST_FRAME_SECONDS", "MAX_PIXELS", "MOTION_VIDEO_FPS",
    "PICTURE_FORMATS", "SIZES", "SUFFIXES",
    "TABLE_FORMATS", "VIDEO_FPS", "VIDEO_MISSING", "VIEWS", "Deck", "ExportCancelled", "ExportDialog",
    "ExportError", "FrameRenderer", "Progress", "Request", "atomic_path", "deck_for", "export", "export_document",
    "export_folder", "export_from_window", "handout_of", "infer_format", "live_views", "parse_size",
    "render_image", "run_export_dialog", "save_png", "step_slides", "to_pil", "video_available", "write_frames",
    "write_gif", "write_mp4", "write_png", "write_svg", "write_text", "PngQueue",
]


def export(session, req: Request, progress: Progress | None = None, title: str = "") -> list[Path]:
    """Do the export ``req`` asks for from ``session`` (its network, sample and
    view mode; the session is moved through the steps); returns what was written."""
    fmt = req.format
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    slides = req.slides if req.slides is not None else step_slides(session, "all")[0]
    if fmt in TABLE_FORMATS:
        return [write_table(session, req, title)]
    if fmt == "mp4" and not video_available():
        raise ExportError(VIDEO_MISSING)
    deck = Deck(slides)
    if fmt in PICTURE_FORMATS:
        deck = Deck([Slide(slides[-1].end, slides[-1].end, *(_slide_fields(slides[-1])))])
    w, h = req.size or DEFAULT_SIZE
    motion = check_motion(fmt, req.motion) if req.view in ("graph", "window") else 0
    frames = len(motion_frames([f.position for f in deck.frames], motion))
    refusal = export_refusal(frames, round(w * req.scale), round(h * req.scale))
    if refusal is not None:                  # decided before the first frame is drawn
        raise ExportError(refusal)
    renderer = FrameRenderer(session, deck, req.view, req.size, req.scale, motion)
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
                    progress: Progress | None = None, digits: int | None = None,
                    motion: int = 0) -> tuple[list[Path], str, str]:
    """Render a loaded document without a window (``visualnn export``): a
    QApplication is made, offscreen when there is no display.  Returns the
    files written, the format and what was exported.  Bad arguments raise
    ``ExportError`` (a message for the user); ``progress`` (animations) may cancel.
    ``motion``: in-between frames per step (GIF, MP4, frames), as ``FrameRenderer``."""
    fmt = infer_format(out, fmt)
    if fmt in TABLE_FORMATS:                     # no Qt needed
        return export_table(doc, out, fmt, steps, sample, digits, motion)
    check_motion(fmt, motion)
    size_px, scale = parse_size(size)
    if fmt == "mp4" and not video_available():
        raise ExportError(VIDEO_MISSING)
    if fmt in PICTURE_FORMATS and (steps or "all") not in ("all",) and not re.fullmatch(r"\s*\d+\s*", steps or ""):
        raise ExportError(f"--steps {steps!r}: a {fmt.upper()} file holds one picture; give one step "
                          f"(--steps N), or a folder (--out DIR/) for one PNG per step")
    _ensure_gui()
    session = prepared_session(Session(document=doc), doc, sample, digits)
    slides, what = step_slides(session, steps)
    if fmt in PICTURE_FORMATS:
        what = f"step {slides[-1].end}"         # one picture: the last step asked for
    req = Request(fmt, Path(out), view, size_px, scale, slides, motion)
    written = export(session, req, progress if fmt in ANIMATION_FORMATS else None, doc.model.title)
    return written, fmt, what


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
    fmt, what, size, scale, steps, first, last, motion = dlg.request_parts()
    name = Path(s.path).stem if s.path else "network"
    folder = export_folder(window.settings)
    if fmt in ("frames", "svgframes"):
        out = QFileDialog.getExistingDirectory(window, "Folder for the frames", str(folder))
    else:
        out, _ = QFileDialog.getSaveFileName(window, "Export", str(folder / f"{name}.{fmt}"), FILTERS[fmt])
    if not out:
        return None
    written = export_from_window(window, fmt, Path(out), what, size, scale, steps, first, last, motion)
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
                       steps="now", first=0, last=0, motion=0) -> list[Path] | None:
    """Export from the stepper window (the dialog's choices; tests call this directly);
    ``motion``: in-between frames per step (GIF, MP4, frames)."""
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
                                             scale or 1.0, slides, motion), progress, s.title)
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
