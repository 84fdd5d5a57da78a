"""The engine and the file format never need Qt."""
import re
import subprocess
import sys
from pathlib import Path

import visualnn

PACKAGE = Path(visualnn.__file__).parent
QT = ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6", "PySide2")


def test_importing_engine_and_io_loads_no_qt_module():
    code = ("import sys, pkgutil, importlib, visualnn.engine, visualnn.io\n"
            "for pkg in (visualnn.engine, visualnn.io):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        importlib.import_module(m.name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT!r}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_no_engine_or_io_source_mentions_a_qt_import():
    pattern = re.compile(rf"^\s*(import|from)\s+({'|'.join(QT)})\b", re.MULTILINE)
    dynamic = re.compile(rf"import_module\(\s*['\"]({'|'.join(QT)})")
    files = sorted((PACKAGE / "engine").rglob("*.py")) + sorted((PACKAGE / "io").rglob("*.py"))
    assert any(f.name == "training.py" for f in files)
    offenders = [str(f) for f in files if pattern.search(f.read_text()) or dynamic.search(f.read_text())]
    assert offenders == []
