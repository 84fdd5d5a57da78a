"""Drawing a network's steps offscreen for export (``FrameRenderer``), and
writing them as numbered frames, an animated GIF or an MP4 video."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from .export_files import PngQueue, process_events, render_image, to_pil, write_svg
from .export_request import DEFAULT_SIZE
from .export_write import MAX_PIXELS, ExportCancelled, ExportError, Progress, atomic_path, file_mode
from .gifstream import GifStream
from .motion import DURATION_MS
from .plots import PANEL_NAMES, panel_class
from .present import Deck, PresentationView

VIEWS = ("graph", "window", "activation", "surface")
FRAME_SECONDS = 1.2               # each step on screen in a GIF or video
LAST_FRAME_SECONDS = 3.0
VIDEO_FPS = 10
MOTION_VIDEO_FPS = 30             # with the motion between steps: its in-between frames need a finer clock
FRAME_NAME = "frame_{:04d}.{}"
FRAME_PATTERN = re.compile(r"frame_\d{4,}\.(png|svg)")
VIDEO_MISSING = ("MP4 export needs the optional PyAV package, which is not installed. "
                 "Install it with: pip install 'visualnn[video]'  (or: pip install av)")


def video_available() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


class FrameRenderer:
    """Draws a network's steps offscreen at a fixed size, in the presentation look.

    ``view``: "graph" (the graph alone), "window" (the whole slide), "activation"
    or "surface" (a plot panel following the steps).  ``deck``: the clicks to
    draw (a lecture, or a range of steps).  ``motion``: N in-between frames before
    each click that is one step after the one before it, drawn from the window's
    own motion (``StepMotion``: values along their edges, gradients back, weight
    colours fading); frames are then numbered ``0 .. len(self) - 1`` over all of them."""

    def __init__(self, session, deck: Deck, view: str = "graph", size=DEFAULT_SIZE, scale: float = 1.0,
                 motion: int = 0):
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
        # a step frame is the step itself; with ``motion`` its in-between frames are moments of the motion
        self.motion = int(motion) if view in ("graph", "window") else 0
        self.frames = motion_frames([f.position for f in deck.frames], self.motion)
        self._click: int | None = None              # the click on show
        self.slide.graph.set_motion(bool(self.motion))
        self.slide.graph.motion.clock = False       # nothing moves but by ``show``
        self.panel = None
        if view in ("activation", "surface"):
            self.panel = panel_class(PANEL_NAMES[view])(session)
            self.widget = self.panel
        else:
            self.widget = self.slide
        self.widget.setAttribute(Qt.WA_DontShowOnScreen, True)
        self.widget.resize(w, h)
        self.widget.show()
        process_events()
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
            process_events()
        return plot

    def __len__(self) -> int:
        return len(self.frames)

    def position(self, j: int) -> int:
        """The step frame ``j`` shows (or moves into)."""
        return self.deck.frames[self.frames[j][0]].position

    def show(self, j: int) -> QWidget:
        k, moment = self.frames[j]
        if k != self._click or not self.motion:
            self.slide.show_frame(k)
            self._click = k
        if self.motion:
            if moment is None:
                self.slide.graph.motion.stop()
            else:
                self.slide.graph.motion.seek(moment)
        if self.panel is not None:
            self.panel.wait(30000)          # a surface still being computed
        process_events()
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


def motion_frames(positions: list[int], motion: int) -> list[tuple[int, float | None]]:
    """(click, moment) for every frame: each click's step frame (moment None), after
    ``motion`` in-between frames (moments 1/(N+1) .. N/(N+1) of the way) when the click
    is one step after the one before it.  Steps 0-3 with N = 4: 1 + 3 * 5 = 16 frames."""
    out: list[tuple[int, float | None]] = []
    for k, p in enumerate(positions):
        if motion and k and p == positions[k - 1] + 1:
            out += [(k, i / (motion + 1)) for i in range(1, motion + 1)]
        out.append((k, None))
    return out


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
        with PngQueue() as pngs:                # frame k is packed while frame k + 1 is drawn
            for k in range(n):
                if progress is not None and not progress(k, n):
                    raise ExportCancelled()
                name = FRAME_NAME.format(k + 1, kind)
                if kind == "svg":
                    write_svg(renderer.show(k), tmp / name, renderer.title, f"step {renderer.position(k)}")
                else:
                    pngs.put(renderer.image(k), tmp / name, out_dir / name)
                names.append(name)
        if progress is not None:
            progress(n, n)
        for name in names:
            os.chmod(tmp / name, file_mode(0o666))
        if not out_dir.exists():
            os.chmod(tmp, file_mode(0o777))
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


def _seconds(renderer, k: int, step: float) -> float:
    """How long frame ``k`` stays up: ``step`` for a step (the last at least
    ``LAST_FRAME_SECONDS``), an in-between frame its share of the motion's time."""
    frames = getattr(renderer, "frames", None)          # a frame source without them: steps alone
    if frames is not None and frames[k][1] is not None:
        return DURATION_MS / 1000.0 / renderer.motion
    return max(step, LAST_FRAME_SECONDS) if k == len(renderer) - 1 else step


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
            gif.add(frame, _seconds(renderer, k, seconds))
        gif.close()
    if progress is not None:
        progress(n, n)
    return Path(path)


def write_mp4(renderer: FrameRenderer, path: Path, progress: Progress | None = None,
              seconds: float = FRAME_SECONDS) -> Path:
    """An MP4 video (H.264 when the codec is there, else MPEG-4), one step per ``seconds``
    (with the motion, at a finer frame rate for the in-between frames)."""
    try:
        import av
    except ImportError:
        raise ExportError(VIDEO_MISSING) from None
    import numpy as np
    n = len(renderer)
    fps = MOTION_VIDEO_FPS if getattr(renderer, "motion", 0) else VIDEO_FPS
    with atomic_path(path) as tmp:
        container = av.open(str(tmp), mode="w", format="mp4")
        # an encoder this PyAV lacks raises ValueError, or FFmpegError where PyAV has it
        codec_errors = (ValueError, getattr(getattr(av, "error", None), "FFmpegError", ValueError))
        try:
            stream = None
            for codec in ("libx264", "h264", "libopenh264", "mpeg4"):
                try:
                    stream = container.add_stream(codec, rate=fps)
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
                repeat = round(_seconds(renderer, k, seconds) * fps)
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
