"""The README's window and presentation screenshots: the 2-2-2 network at 1366x768, 9 digits.

    python docs/screenshots.py            # offscreen; DISPLAY=:N for a real X server

Writes docs/screenshot-forward.png, -backward.png, -update.png (the stepper
window at a forward step, a backward step and the update step) and
docs/screenshot-present.png (the presentation at the update step).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SIZE = (1366, 768)
DIGITS = 9
SHOTS = {"forward": ("forward", "out_h2"), "backward": ("backward", "net_o1"), "update": ("update", None)}


def _settle(app, n=30):
    for _ in range(n):
        app.processEvents()


def _position(session, phase, node):
    st = session.stepper
    for p in range(1, session.cycle_length + 1):
        s = st.seek(p).step
        if s.phase == phase and (node is None or s.node == node):
            return p
    raise LookupError((phase, node))


def main() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from visualnn.app import create_window
    from visualnn.ui.present import PresentationWindow
    settings = QSettings(str(ROOT / "docs" / ".screenshots.ini"), QSettings.IniFormat)
    settings.clear()
    w = create_window(str(ROOT / "examples" / "mazur_2_2_2.json"), settings=settings)
    w.resize(*SIZE)
    w.show()
    _settle(app)
    w.set_digits(DIGITS)
    w.statusBar().clearMessage()            # not the path this was made from
    for name, (phase, node) in SHOTS.items():
        w.session.seek(_position(w.session, phase, node))
        _settle(app)
        w.grab().save(str(ROOT / "docs" / f"screenshot-{name}.png"))
    w.session.seek(_position(w.session, "update", None))
    p = PresentationWindow(w.session, parent=w)
    p.resize(*SIZE)
    p.show()
    _settle(app)
    p.grab().save(str(ROOT / "docs" / "screenshot-present.png"))
    p.close()
    w.session.mark_saved()
    w.close()
    Path(settings.fileName()).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
