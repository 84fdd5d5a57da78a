"""Run a test script in a new interpreter, for behaviour at interpreter exit."""
import os
import subprocess
import sys
from pathlib import Path


def run_script_that_exits(script: str) -> subprocess.CompletedProcess:
    """Run ``script`` offscreen in a new interpreter; argv[1] is the tests folder (for ``nets``)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", script, str(Path(__file__).resolve().parents[2])], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
