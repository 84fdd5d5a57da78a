"""Writing export files safely, without Qt (the tables of ``visualnn export`` need
no Qt): nothing is ever left half-written under the final name, a file is
written to a temporary name in the same folder and renamed (``atomic_path``).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable

MAX_PIXELS = 8192 * 8192


class ExportError(Exception):
    """A message for the user (bad request, or the file cannot be written)."""


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


Progress = Callable[[int, int], bool]      # (done, total) -> keep going?


# -- writing safely ----------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_path(path: Path):
    """A temporary file name beside ``path``; renamed onto it when the block
    succeeds, removed when it fails or is cancelled."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=folder)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, file_mode(0o666, path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def file_mode(full: int, existing: Path | None = None) -> int:
    """The permissions a new file gets (``full`` less the umask), or those of the file it replaces."""
    if existing is not None:
        with contextlib.suppress(OSError):
            return os.stat(existing).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return full & ~umask


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    return Path(path)
