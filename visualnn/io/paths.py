"""Where the bundled examples are: in a source checkout (``<repo>/examples``)
or in an installed wheel (``<sys.prefix>/share/visualnn/examples``, or inside
the package)."""
from __future__ import annotations

import json
import os
import site
import sys
from pathlib import Path

from .errors import FileFormatError
from .files import read_text
from .limits import FORMAT_NAME

PACKAGE = Path(__file__).resolve().parent.parent            # .../visualnn


def candidate_dirs() -> list[Path]:
    """The places looked at, in order."""
    out = []
    env = os.environ.get("VISUALNN_EXAMPLES")
    if env:
        out.append(Path(env))
    out.append(PACKAGE.parent / "examples")                   # source checkout / editable install
    out.append(PACKAGE / "examples")                          # package data
    prefixes = [sys.prefix, sys.base_prefix, getattr(site, "USER_BASE", None) or ""]
    for prefix in dict.fromkeys(p for p in prefixes if p):
        out.append(Path(prefix) / "share" / "visualnn" / "examples")
    return out


def examples_dir() -> Path:
    """The folder of bundled example networks; FileNotFoundError naming the
    places looked at if there is none."""
    for d in candidate_dirs():
        if d.is_dir() and any(d.glob("*.json")):
            return d
    raise FileNotFoundError("the bundled examples were not found; looked in: "
                            + ", ".join(str(d) for d in candidate_dirs()))


def list_examples() -> list[tuple[Path, str, str]]:
    """(path, title, description) for every example, for the Examples menu.
    Files that are not visualnn network files are left out."""
    out = []
    for p in sorted(examples_dir().glob("*.json")):
        try:
            top = json.loads(read_text(p))
        except (FileFormatError, ValueError, RecursionError):
            continue
        if not isinstance(top, dict) or top.get("format") != FORMAT_NAME:
            continue
        title, desc = top.get("title"), top.get("description")
        title = title if isinstance(title, str) else p.stem
        desc = desc if isinstance(desc, str) else ""
        out.append((p, title, desc))
    return out
