"""PNG frames packed fast (zlib level 1, no alpha channel) on a worker thread while
the next frame is drawn: still valid PNG files, and a frame that cannot be written
is reported."""
from pathlib import Path

import pytest
from PIL import Image

from visualnn.io import load
from visualnn.ui import export as ex
from visualnn.ui.session import Session

MAZUR = Path(__file__).resolve().parents[2] / "examples" / "mazur_2_2_2.json"


def test_png_frames_are_valid_opaque_pngs_in_step_order(qapp, tmp_path):
    written = ex.export(Session(document=load(MAZUR)), ex.Request("frames", tmp_path / "f", "graph", (640, 360),
                                                                  slides=[ex.Slide(0, 5)]))
    assert [p.name for p in written] == [f"frame_{k:04d}.png" for k in range(1, 7)]
    for p in written:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(p) as im:
            im.verify()                                    # every chunk and checksum whole
        with Image.open(p) as im:
            assert im.mode == "RGB" and im.size == (640, 360)
    one = ex.FrameRenderer(Session(document=load(MAZUR)), ex.Deck([ex.Slide(0, 5)]), "graph", (640, 360))
    try:
        drawn = [ex.to_pil(one.image(k)).tobytes() for k in range(4)]
        assert Image.open(written[3]).tobytes() == drawn[3]        # frame 4 is step 3, pixel for pixel
    finally:
        one.close()


def test_a_frame_the_worker_cannot_write_is_reported(qapp, tmp_path):
    from PySide6.QtGui import QImage
    img = QImage(32, 32, QImage.Format_RGB32)
    img.fill(0xFFFFFF)
    with pytest.raises(ex.ExportError, match="cannot write .*x.png"):
        with ex.PngQueue() as q:
            q.put(img, tmp_path / "missing" / "x.png", tmp_path / "x.png")
    q = ex.PngQueue()
    q.put(img, tmp_path / "fine.png", tmp_path / "fine.png")
    q.close()
    assert Image.open(tmp_path / "fine.png").size == (32, 32)
