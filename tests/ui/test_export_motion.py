"""Exports with the motion between steps (``visualnn export --motion N``, the export
dialog's "Include the motion between steps"): N in-between frames before each step,
drawn from the window's own motion."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visualnn.cli import main
from visualnn.ui import export as ex

ROOT = Path(__file__).resolve().parents[2]
MAZUR = ROOT / "examples" / "mazur_2_2_2.json"


def _gif_frames(path):
    im = Image.open(path)
    frames, durations = [], []
    for i in range(im.n_frames):
        im.seek(i)
        frames.append(np.asarray(im.convert("RGB"), dtype=float))
        durations.append(im.info["duration"])
    return frames, durations


def _export(*args):
    return main(["export", str(MAZUR), "--size", "480x270", *map(str, args)])


def test_a_gif_of_three_steps_with_motion_4_has_the_in_between_frames_of_each_step(qapp, tmp_path):
    assert _export("--out", tmp_path / "m.gif", "--steps", "0-3", "--motion", 4) == 0
    assert _export("--out", tmp_path / "s.gif", "--steps", "0-3") == 0
    moving, durations = _gif_frames(tmp_path / "m.gif")
    steps, _ = _gif_frames(tmp_path / "s.gif")
    assert len(moving) == 3 * (4 + 1) + 1 == 16 and len(steps) == 4
    at_steps = [0, 5, 10, 15]                                  # the start, then each step after its 4 moments
    for k, j in enumerate(at_steps):
        np.testing.assert_array_equal(moving[j], steps[k])     # a step frame is the step itself
    for j in set(range(16)) - set(at_steps):
        after = next(s for s in at_steps if s > j)
        assert np.abs(moving[j] - moving[after]).max() > 100   # a dot on its way along an edge
    for k in range(1, 4):                                      # and the dots move from moment to moment
        run = moving[at_steps[k - 1] + 1:at_steps[k]]
        assert all(np.abs(a - b).max() > 100 for a, b in zip(run, run[1:]))
    assert durations[1:5] == [60] * 4 and durations[0] == durations[5] == 1200 and durations[-1] == 3000


def test_frames_with_motion_number_every_moment_and_the_update_fades(qapp, tmp_path):
    assert _export("--out", f"{tmp_path / 'f'}/", "--format", "png", "--steps", "18-20", "--motion", 2) == 0
    names = sorted(p.name for p in (tmp_path / "f").iterdir())
    assert names == [f"frame_{k:04d}.png" for k in range(1, 8)]          # 1 + 2 * (2 + 1)
    px = [np.asarray(Image.open(tmp_path / "f" / n).convert("RGB"), dtype=float) for n in names]
    assert all(np.abs(a - b).max() > 0 for a, b in zip(px, px[1:]))


@pytest.mark.parametrize("args, words", [
    (["--out", "x.png", "--motion", "3"], "not a single PNG"),
    (["--out", "x.gif", "--motion", "99"], "expected 0 (the steps alone) to 30"),
    (["--out", "x.md", "--motion", "2"], "not a single MD"),
])
def test_motion_where_it_cannot_go_is_refused_with_a_clear_message(qapp, tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(MAZUR), *args]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and not list(tmp_path.iterdir())


def test_the_export_dialog_offers_the_motion_for_animations_of_the_graph(window):
    dlg = ex.ExportDialog(window)
    dlg.format.setCurrentIndex(dlg.format.findData("gif"))
    dlg.what.setCurrentIndex(dlg.what.findText("Graph"))
    assert dlg.motion_box.isEnabled() and not dlg.motion_frames.isEnabled()
    assert dlg.request_parts()[-1] == 0
    dlg.motion.setChecked(True)
    assert dlg.motion_frames.isEnabled() and dlg.request_parts()[-1] == ex.DEFAULT_MOTION
    dlg.what.setCurrentIndex(dlg.what.findText("Loss surface"))
    assert dlg.what.currentData() == ("render", "surface")
    assert not dlg.motion_box.isEnabled() and dlg.request_parts()[-1] == 0
    dlg.format.setCurrentIndex(dlg.format.findData("csv"))
    assert not dlg.motion_box.isEnabled() and dlg.request_parts()[-1] == 0


def test_a_window_export_with_motion_writes_the_in_between_frames(window, tmp_path):
    written = ex.export_from_window(window, "frames", tmp_path / "w", ("render", "window"), (480, 270), 1.0,
                                    "range", 1, 3, 3)
    assert len(written) == 1 + 2 * (3 + 1)


def test_an_mp4_with_motion_runs_at_the_finer_rate_with_each_moment_in_it(qapp, tmp_path):
    av = pytest.importorskip("av")
    assert _export("--out", tmp_path / "m.mp4", "--steps", "0-3", "--motion", 4) == 0
    with av.open(str(tmp_path / "m.mp4")) as c:
        assert c.streams.video[0].average_rate == ex.MOTION_VIDEO_FPS
        frames = [f.to_ndarray(format="rgb24").astype(float) for f in c.decode(video=0)]
    step, last = round(ex.FRAME_SECONDS * 30), round(ex.LAST_FRAME_SECONDS * 30)
    moment = round(0.26 / 4 * 30)                                  # the window's 260 ms shared by 4 moments
    assert len(frames) == 3 * step + last + 3 * 4 * moment
    first_moment = frames[step]                                   # right after the start frame's hold
    assert np.abs(first_moment - frames[0]).mean() > 0.05         # the dots have set off


def test_a_motion_export_counts_every_frame_and_cancels_between_moments(window, tmp_path, monkeypatch):
    seen = []

    def quiet_dialog(win, fmt):
        def progress(done, total):
            seen.append((done, total))
            return done < 3                                       # Cancel during the first step's moments
        return progress, None
    monkeypatch.setattr(ex, "_progress_dialog", quiet_dialog)
    out = tmp_path / "out"
    out.mkdir()
    assert ex.export_from_window(window, "gif", out / "a.gif", ("render", "graph"), (480, 270), 1.0,
                                 "range", 10, 13, 5) is None
    assert seen == [(0, 1 + 3 * 6), (1, 19), (2, 19), (3, 19)]
    assert not list(out.iterdir()) and "cancelled" in window.statusBar().currentMessage()
