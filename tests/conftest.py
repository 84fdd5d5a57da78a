import os

import pytest

# Qt tests run headless; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    import PySide6.QtCore  # noqa: F401
except ImportError:           # the engine and io tests still run; tests/ui skips
    HAVE_QT = False
else:
    HAVE_QT = True

# pytest-qt (qtbot) where there is a Qt to drive; pyproject.toml keeps it from loading by itself.
# Without PySide6 the UI tests are left out and the engine, io and CLI tests run.
pytest_plugins = ["pytestqt.plugin"] if HAVE_QT else []
collect_ignore = [] if HAVE_QT else ["ui"]

# Slow tests (soaks, the long fuzz) run only when asked: .ci/run sets VISUALNN_SLOW=1.
RUN_SLOW = os.environ.get("VISUALNN_SLOW", "") not in ("", "0")


def pytest_report_header(config):
    if not HAVE_QT:
        return "PySide6 is not installed: the UI tests (tests/ui) are left out"


def pytest_collection_modifyitems(config, items):
    if RUN_SLOW:
        return
    skip = pytest.mark.skip(reason="slow: runs with VISUALNN_SLOW=1 (CI sets it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
