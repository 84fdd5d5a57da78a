"""Export: frames, GIF, MP4, SVG, tables, the headless command, safe writing."""
import csv
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visualnn.cli import main
from visualnn.engine.trace import Stepper
from visualnn.io import load
from visualnn.io.lecture import Slide
from visualnn.ui import export as ex
from visualnn.ui.session import Session

ROOT = Path(__file__).resolve().parents[2]
MAZUR = ROOT / "examples" / "mazur_2_2_2.json"
SIZE = (800, 450)


@pytest.fixture
def session(qapp):
    return Session(document=load(MAZUR))


def _pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def test_all_steps_of_mazur_give_the_start_then_one_png_per_step_of_the_requested_size(session, tmp_path):
    out = tmp_path / "frames"
    written = ex.export(session, ex.Request("frames", out, "graph", SIZE))
    assert [p.name for p in written] == [f"frame_{k:04d}.png" for k in range(1, 21)]     # the start, steps 1-19
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in written]
    frames = [_pixels(p) for p in written]
    for f in frames:
        assert f.shape == (SIZE[1], SIZE[0], 3)
        assert f.std() > 10                                     # not blank
    for a, b in zip(frames, frames[1:]):
        assert np.abs(a - b).mean() > 0.01                      # every step changes the picture


def test_the_gif_has_one_frame_per_step(session, tmp_path):
    ex.export(session, ex.Request("frames", tmp_path / "f", "window", SIZE))
    gif = ex.export(session, ex.Request("gif", tmp_path / "a.gif", "window", SIZE))[0]
    im = Image.open(gif)
    assert im.n_frames == len(list((tmp_path / "f").iterdir())) == 20         # the start frame first
    assert im.size == SIZE and im.info["loop"] == 0


def test_the_svg_is_xml_with_the_node_names_as_text(session, tmp_path):
    session.seek(12)
    # at a laptop's size: on a small picture a label with no room is left for the hover
    svg = ex.export(session, ex.Request("svg", tmp_path / "g.svg", "graph", (1366, 768),
                                        slides=[Slide(12, 12)]))[0]
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = {"".join(t.itertext()).strip() for t in root.iter() if t.tag.endswith("text")}
    labels = {b.label for b in ex.FrameRenderer(session, ex.Deck([Slide(0, 0)]), "graph", SIZE)
              .slide.graph.layout_info.boxes.values() if b.label}
    assert labels and labels <= texts                           # h1, o2, E_total, i1, ... all readable text
    assert "∂E/∂w5 = 0.0822" in texts


def test_png_at_twice_the_scale_has_twice_the_pixels(session, tmp_path):
    p = ex.export(session, ex.Request("png", tmp_path / "x.png", "window", (640, 360), 2.0))[0]
    assert Image.open(p).size == (1280, 720)


def _cli(*args):
    return main(["export", str(MAZUR), *map(str, args)])


def test_markdown_csv_and_latex_tables_hold_the_trace_numbers(tmp_path, capsys):
    m = load(MAZUR).model
    tr = Stepper(m.graph, m.params, m.samples()).trace(0)
    assert _cli("--out", tmp_path / "t.md") == 0
    md = (tmp_path / "t.md").read_text(encoding="utf-8")
    for s in tr.steps:
        if s.phase in ("forward", "loss"):
            assert f"| {ex.handout_of.__globals__['fmt'](s.value, 9)} |" in md
    assert _cli("--out", tmp_path / "t.csv") == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8"))))
    back = [r for r in rows if r["phase"] == "backward"]
    edges = [e for s in tr.steps if s.phase == "backward" for e in s.edges]
    assert [float(r["gradient"]) for r in back] == [e.gradient for e in edges]
    assert _cli("--out", tmp_path / "t.tex") == 0
    tex = (tmp_path / "t.tex").read_text(encoding="utf-8")
    assert "$0.082167041$" in tex and "$0.298371109$" in tex and tex.rstrip().endswith(r"\end{document}")


def test_headless_export_works_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    r = subprocess.run([sys.executable, "-m", "visualnn.cli", "export", str(MAZUR), "--out", "frames/",
                        "--format", "png", "--size", "640x360"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    frames = sorted((tmp_path / "frames").iterdir())
    assert len(frames) == 20 and Image.open(frames[0]).size == (640, 360)
    assert "20/20 frames" in r.stderr and "wrote 20 frames" in r.stdout
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args, words", [
    (["--out", "x.png", "--steps", "3-4"], "holds one picture"),
    (["--out", "x.foo"], "cannot tell the format"),
    (["--out", "x.png", "--size", "12x3"], "between 16 and 8192"),
    (["--out", "x.png", "--size", "big"], "expected WIDTHxHEIGHT"),
    (["--out", "f/", "--steps", "9-2"], "runs backwards"),
    (["--out", "f/", "--steps", "1-99999999"], "steps 0-"),
    (["--out", "f/", "--steps", "soon"], "expected all, lecture"),
    (["--out", "f/", "--sample", "4"], "out of range"),
    (["--out", "nowhere/deeper/x.gif"], "does not exist"),
])
def test_bad_arguments_give_one_clear_message_and_a_nonzero_exit(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    assert _cli(*args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not [p for p in tmp_path.iterdir() if p.name != "settings"]      # nothing written


def test_a_lecture_without_a_lecture_section_is_refused(tmp_path, capsys):
    import json
    doc = json.loads((ROOT / "examples" / "xor.json").read_text(encoding="utf-8"))
    doc.pop("lecture", None)                    # the bundled XOR has one now
    (tmp_path / "xor.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["export", str(tmp_path / "xor.json"), "--out", str(tmp_path / "a.gif"),
                 "--steps", "lecture"]) == 2
    assert "no lecture section" in capsys.readouterr().err


def test_the_lecture_exports_every_click_with_its_reveals(session, tmp_path):
    deck_len = len(ex.deck_for(session)[0])
    slides = ex.step_slides(session, "lecture")[0]
    written = ex.export(session, ex.Request("frames", tmp_path / "l", "window", SIZE, slides=slides))
    assert len(written) == deck_len > len(slides)
    a, b = _pixels(written[1]), _pixels(written[2])             # "?" then its number: net_h1
    assert np.abs(a - b).mean() > 0.001


def test_mp4_without_pyav_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ex, "video_available", lambda: False)
    assert _cli("--out", tmp_path / "v.mp4") == 2
    err = capsys.readouterr().err
    assert "PyAV" in err and "pip install" in err and not (tmp_path / "v.mp4").exists()


def test_mp4_has_the_frames_of_the_steps(session, tmp_path):
    av = pytest.importorskip("av")
    p = ex.export(session, ex.Request("mp4", tmp_path / "v.mp4", "graph", (320, 180),
                                      slides=[Slide(10, 13)]))[0]
    with av.open(str(p)) as c:
        s = c.streams.video[0]
        assert (s.width, s.height) == (320, 180)
        n = sum(1 for _ in c.decode(video=0))
    assert n == round(3 * ex.FRAME_SECONDS * ex.VIDEO_FPS + ex.LAST_FRAME_SECONDS * ex.VIDEO_FPS)


def test_a_cancelled_export_leaves_nothing_behind(session, tmp_path):
    target = tmp_path / "a.gif"
    target.write_bytes(b"the old file")
    with pytest.raises(ex.ExportCancelled):
        ex.export(session, ex.Request("gif", target, "graph", SIZE), progress=lambda done, total: done < 3)
    assert target.read_bytes() == b"the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]
    with pytest.raises(ex.ExportCancelled):
        ex.export(session, ex.Request("frames", tmp_path / "f", "graph", SIZE), progress=lambda d, t: d < 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


def test_new_frames_replace_older_ones_in_the_folder(session, tmp_path):
    out = tmp_path / "f"
    out.mkdir()
    (out / "frame_0042.png").write_bytes(b"old")
    (out / "notes.txt").write_text("mine")
    ex.export(session, ex.Request("frames", out, "graph", SIZE, slides=[Slide(1, 3)]))
    assert sorted(p.name for p in out.iterdir()) == ["frame_0001.png", "frame_0002.png", "frame_0003.png",
                                                      "notes.txt"]


def test_format_is_inferred_from_the_name():
    assert ex.infer_format("a.GIF", None) == "gif"
    assert ex.infer_format("frames/", None) == "frames"
    assert ex.infer_format("frames", "png") == "frames"
    assert ex.infer_format("x.png", "png") == "png"
    assert ex.infer_format("t.markdown", None) == "md"
    assert ex.parse_size("2x") == ((1920, 1080), 2.0)
    assert ex.parse_size("960x540@2x") == ((960, 540), 2.0)


def test_file_export_in_the_window_writes_the_graph_as_shown_at_2x(window, tmp_path):
    assert window.export_action in window.menuBar().actions()[0].menu().actions()
    view = window.view
    p = ex.export_from_window(window, "png", tmp_path / "g.png", ("live", "Graph"), None, 2.0)[0]
    assert Image.open(p).size == (view.width() * 2, view.height() * 2)
    assert _pixels(p).std() > 10
    svg = ex.export_from_window(window, "svg", tmp_path / "w.svg", ("live", "Whole window"))[0]
    ET.parse(svg)


def test_window_export_of_a_range_shows_progress_and_can_be_cancelled(window, tmp_path, monkeypatch):
    seen = []
    real = ex._progress_dialog

    def spy(win, fmt):
        progress, dlg = real(win, fmt)

        def cancel_after_two(done, total):
            seen.append((done, total))
            if done == 2:
                dlg.cancel()
            return progress(done, total)
        return cancel_after_two, dlg
    monkeypatch.setattr(ex, "_progress_dialog", spy)
    assert ex.export_from_window(window, "gif", tmp_path / "a.gif", ("render", "graph"), SIZE, 1.0,
                                 "range", 10, 18) is None
    assert seen[0] == (0, 9) and not list(tmp_path.glob("*.gif")) and not list(tmp_path.glob(".*"))
    assert "cancelled" in window.statusBar().currentMessage()


def test_export_digits_svg_frames_and_one_png_that_says_its_step(tmp_path):
    r = subprocess.run([sys.executable, "-m", "visualnn.cli", "export", str(MAZUR), "--out", "svg/", "--format", "svg",
                        "--steps", "0-3", "--digits", "9", "--size", "1366x768"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    frames = sorted((tmp_path / "svg").iterdir())
    assert [f.name for f in frames] == [f"frame_{k:04d}.svg" for k in range(1, 5)]
    texts = [{"".join(t.itertext()) for t in ET.parse(f).getroot().iter() if t.tag.endswith("text")} for f in frames]
    assert "0.3775" in texts[1] and "0.593269992" in texts[2]          # step 2 at 9 digits: out_h1
    for f in frames:
        assert 'd=""' not in f.read_text()                               # no empty path data (Inkscape)
    r = subprocess.run([sys.executable, "-m", "visualnn.cli", "export", str(MAZUR), "--out", "one.png"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0 and "(step 19)" in r.stdout


def test_the_export_dialog_starts_in_the_last_export_folder_or_home(tmp_path):
    from PySide6.QtCore import QSettings
    settings = QSettings(str(tmp_path / "e.ini"), QSettings.IniFormat)
    assert ex.export_folder(settings) == Path.home()
    settings.setValue(ex.LAST_FOLDER_KEY, str(tmp_path))
    assert ex.export_folder(settings) == tmp_path
    settings.setValue(ex.LAST_FOLDER_KEY, str(tmp_path / "gone"))
    assert ex.export_folder(settings) == Path.home()


def test_a_plot_view_exports_the_plot_alone_at_the_size_asked(session, tmp_path):
    p = ex.export(session, ex.Request("png", tmp_path / "a.png", "activation", (800, 450),
                                      slides=[Slide(5, 5)]))[0]
    assert Image.open(p).size == (800, 450)
    r = ex.FrameRenderer(session, ex.Deck([Slide(5, 5)]), "activation", (800, 450))
    try:
        from PySide6.QtWidgets import QComboBox, QPushButton
        w = r.show(0)
        assert not w.findChildren(QComboBox) and not w.findChildren(QPushButton)
    finally:
        r.close()


# -- streaming (issue 16) -------------------------------------------------------------------------------
class CountingFrames:
    """A renderer stand-in: ``n`` frames of a growing bar, each a fresh image."""

    def __init__(self, n, size=(160, 90)):
        self.n, self.size = n, size

    def __len__(self):
        return self.n

    def image(self, k):
        from PySide6.QtGui import QColor, QImage
        img = QImage(*self.size, QImage.Format_RGB32)
        img.fill(QColor("white"))
        for x in range(min(self.size[0], 4 * (k + 1))):
            for y in range(10, 20):
                img.setPixelColor(x, y, QColor("navy"))
        return img


def test_a_gif_is_written_frame_by_frame_and_reads_back_every_frame(tmp_path):
    from PIL import Image

    from visualnn.ui.export import write_gif
    out = tmp_path / "a.gif"
    sizes = []

    def progress(done, total):
        sizes.append(sum(p.stat().st_size for p in tmp_path.iterdir()))
        return True
    write_gif(CountingFrames(12), out, progress, seconds=0.5)
    assert all(b > a for a, b in zip(sizes[1:-1], sizes[2:-1]))       # on disk as each frame is made
    with Image.open(out) as im:
        assert im.n_frames == 12 and im.info["loop"] == 0
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
            if k == 5:
                assert im.convert("RGB").getpixel((23, 15))[2] > 100 and im.convert("RGB").getpixel((25, 15)) == \
                    (255, 255, 255)
    assert durations == [500] * 11 + [3000]


def test_a_gif_export_cancelled_midway_leaves_nothing(tmp_path):
    from visualnn.ui.export import ExportCancelled, write_gif
    with pytest.raises(ExportCancelled):
        write_gif(CountingFrames(50), tmp_path / "a.gif", lambda done, total: done < 7)
    assert list(tmp_path.iterdir()) == []


def test_export_progress_in_a_log_file_is_a_line_per_tenth(capsys):
    import io

    from visualnn.cli import _frames_bar
    log = io.StringIO()
    bar = _frames_bar(log)
    for k in range(101):
        assert bar(k, 100)
    lines = log.getvalue().splitlines()
    assert lines[0] == "exported 0/100 frames" and lines[-1] == "exported 100/100 frames" and len(lines) == 11
