import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.surface import SurfacePanel
from visualnn.ui.plots.surface3d import gl_unavailable_reason

HERE = Path(__file__).parent


def test_3d_tab_falls_back_with_a_message_under_offscreen(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.surface is not None and not panel.busy, timeout=10000)
    assert gl_unavailable_reason() is not None and "offscreen" in gl_unavailable_reason()
    assert not panel.view3d.available
    assert panel.tabs.tabText(1) == "3-D (unavailable)"
    text = panel.view3d.message.text()
    assert "OpenGL" in text and "offscreen" in text and "2-D map" in text
    assert panel.map.image.image is not None and panel.map.image.image.shape == panel.surface.Z.shape


GL_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from PySide6.QtWidgets import QApplication
app = QApplication([])
from visualnn.ui.plots.surface3d import gl_unavailable_reason
reason = gl_unavailable_reason()
if reason is not None:
    print(json.dumps({"skip": reason})); sys.exit(0)
from nets import mazur_model
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.surface import SurfacePanel
panel = SurfacePanel(ModelSource(mazur_model()))
panel.resize(900, 600); panel.show()
panel.tabs.setCurrentIndex(1)
import time
end = time.time() + 10
while (panel.surface is None or panel.busy) and time.time() < end:
    app.processEvents(); time.sleep(0.01)
for _ in range(20):
    app.processEvents()
img = panel.view3d.view.grabFramebuffer()
w, h = img.width(), img.height()
colours = {img.pixelColor(x, y).name() for x in range(0, w, 7) for y in range(0, h, 7)}
z = panel.view3d.surface._z
print(json.dumps({"size": [w, h], "colours": len(colours), "mesh": list(z.shape),
                  "tab": panel.tabs.tabText(1)}))
"""


def test_3d_surface_renders_with_a_real_gl_context():
    if not os.environ.get("DISPLAY"):
        pytest.skip("no DISPLAY: start Xvfb (Xvfb :99 &) and export DISPLAY=:99 to run the OpenGL test")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    try:
        out = subprocess.run([sys.executable, "-c", GL_SCRIPT, str(HERE.parents[1])], env=env, capture_output=True,
                             text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.skip("the X server did not answer within 120 s")
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 and not lines:
        pytest.skip(f"no usable X display {os.environ['DISPLAY']!r}: {out.stderr.strip()[-300:]}")
    result = json.loads(lines[-1])
    if "skip" in result:
        pytest.skip(f"OpenGL not available on {os.environ['DISPLAY']}: {result['skip']}")
    assert result["tab"] == "3-D"
    assert result["mesh"] == [101, 101]
    assert result["size"][0] > 100 and result["colours"] > 20     # a shaded surface, not a blank frame
