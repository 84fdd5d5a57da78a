"""``visualnn export`` of a Markdown, CSV or LaTeX table needs no window: it never
imports Qt (a server without a display or a Qt build writes the handout)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAZUR = ROOT / "examples" / "mazur_2_2_2.json"

RUN = """
import sys
from visualnn.cli import main
code = main(sys.argv[1:])
print("QT LOADED" if any(m == "PySide6" or m.startswith(("PySide6.", "pyqtgraph")) for m in sys.modules)
      else "NO QT", code)
"""


@pytest.mark.parametrize("name, words", [("t.md", "| 0.593269992 |"), ("t.csv", ",0.59326999"),
                                         ("t.tex", "$0.593269992$")])
def test_a_table_export_never_imports_qt(tmp_path, name, words):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", RUN, "export", str(MAZUR), "--out", str(tmp_path / name),
                        "--steps", "1-12", "--digits", "6"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "NO QT 0", r.stdout + r.stderr
    assert words in (tmp_path / name).read_text(encoding="utf-8")       # out_h1 of the lecture


def test_a_table_export_with_bad_arguments_says_so_without_qt(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", RUN, "export", str(MAZUR), "--out", str(tmp_path / "t.md"),
                        "--sample", "7"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert r.stdout.strip().splitlines()[-1] == "NO QT 2"
    assert "--sample 7 is out of range" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "t.md").exists()
