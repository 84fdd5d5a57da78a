"""Saving a document so that it never surprises.

A save is atomic: a temporary file in the same folder, flushed to disk, then
renamed over the target, so a crash leaves the old file or the new one. It
refuses to replace a read-only file (``ReadOnlyFileError``: choose another
name) and a file that changed on disk since it was opened or last saved
(``ChangedOnDiskError``, told by modification time and content hash: another
window or program wrote it; ``replace_changed=True`` overwrites it). A save
first removes the temporaries an interrupted save left in that folder: the
writer holds a lock on its temporary, so a save going on elsewhere is never
touched.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

from .data import inline_declaration, same_dataset
from .document import Document, _inside, _rebase, dumps
from .errors import FileFormatError, SaveError
from .files import read_text

try:
    import fcntl
except ImportError:                       # pragma: no cover - Windows: temporaries are left alone
    fcntl = None                          # type: ignore[assignment]

# what mkstemp(prefix=".NAME.", suffix=".tmp") makes
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


class ReadOnlyFileError(SaveError):
    """The file is read-only; it was not replaced (save under another name)."""


class ChangedOnDiskError(SaveError):
    """The file changed on disk since it was opened or saved; it was not replaced."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(path: Path, text: str) -> tuple[int, int, str]:
    """(modification time, size, hash of the text) of a file just read or written as ``text``."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, digest(text)


def changed_on_disk(path: Path, seen: tuple[int, int, str]) -> bool:
    """Whether ``path`` holds other text than when it was stamped ``seen`` (a touch alone is no change)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False                      # deleted meanwhile: writing it again surprises no one
    if (st.st_mtime_ns, st.st_size) == seen[:2]:
        return False
    try:
        return digest(read_text(path)) != seen[2]
    except FileFormatError:
        return True


def _save_error(path: Path, e: OSError | None, message: str, kind=SaveError) -> SaveError:
    err = kind(f"cannot save {path}: {message}")
    if e is not None:
        err.errno = e.errno
    err.filename = str(path)
    return err


def _reason(e: OSError, folder: Path) -> str:
    if isinstance(e, PermissionError):
        return f"the folder {folder} is not writable (permission denied)"
    if e.errno == errno.ENOSPC:
        return "the disk is full"
    if e.errno == errno.EROFS:
        return "the disk is read-only"
    if isinstance(e, FileNotFoundError):
        return f"the folder {folder} does not exist"
    return e.strerror or str(e)


def _same_file(a: Path | None, b: Path) -> bool:
    return a is not None and os.path.abspath(a) == os.path.abspath(b)


def _check_target(doc: Document, path: Path, folder: Path, replace_changed: bool) -> int | None:
    """The mode to give the new file (None: a new file), after refusing what must not be replaced."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _save_error(path, e, _reason(e, folder)) from None
    if stat.S_ISLNK(st.st_mode):
        raise _save_error(path, None, "it is a symbolic link; for safety links are not replaced, "
                                      "save to the file it points to")
    if stat.S_ISDIR(st.st_mode):
        raise _save_error(path, None, "it is a folder; choose a file name")
    if not stat.S_ISREG(st.st_mode):
        raise _save_error(path, None, "it is not a regular file")
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise _save_error(path, None, "the file is read-only, so it was not replaced; save under another name",
                          ReadOnlyFileError)
    if not replace_changed and doc.disk is not None and _same_file(doc.path, path) and changed_on_disk(path, doc.disk):
        raise _save_error(path, None, "the file changed on disk since it was opened (another window or program "
                                      "wrote it), so it was not replaced", ChangedOnDiskError)
    return stat.S_IMODE(st.st_mode)


def save(doc: Document, path=None, *, replace_changed: bool = False) -> Path:
    """Write ``doc`` to ``path`` (default: where it came from) atomically.
    Raises ``FileFormatError`` when the model cannot be stored (a NaN weight)
    and ``SaveError`` (an ``OSError``) when the file cannot or may not be
    written (``ReadOnlyFileError``, ``ChangedOnDiskError``); on failure the
    document and any existing file are unchanged."""
    if path is None:
        path = doc.path
    if path is None:
        raise SaveError("cannot save: the document has no file name yet; choose one")
    path = Path(path)
    text = dumps(doc, path)
    data = text.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    mode = _check_target(doc, path, folder, replace_changed)
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    clean_stale_temporaries(folder, path.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _save_error(path, e, _reason(e, folder)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)       # "in use": the next save leaves it alone
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _save_error(path, e, _reason(e, folder)) from None
        raise
    _sync_folder(folder)
    _after_save(doc, path, text)
    return path


def clean_stale_temporaries(folder: Path, name: str) -> list[Path]:
    """Remove the temporaries interrupted saves left in ``folder``: of ``name`` or of
    any ``.json`` file, and only those no save holds a lock on. Returns what was removed."""
    if fcntl is None:
        return []
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = TEMPORARY.match(entry.name)
        if m is None or not (m.group("name") == name or m.group("name").endswith(".json")):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue                              # a save is writing it right now
        finally:
            os.close(fd)
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where unsupported."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _after_save(doc: Document, path: Path, text: str) -> None:
    """The document now belongs to ``path``: CSV paths were rebased to it, and what is
    on disk is what it wrote."""
    src = doc.source
    if (src is not None and src.data_form == "csv" and src.data is not None and src.dataset is not None
            and same_dataset(doc.model.data, src.dataset)):
        src.data["csv"] = _rebase(src.data["csv"], src.base_dir, path.parent)
        if not _inside(src.data["csv"]):            # written as numbers (see _data_out): keep it that way
            src.data, src.data_form = inline_declaration(doc.model.data, "columns"), "columns"
    if src is not None:
        src.base_dir = path.parent
    doc.path = path
    try:
        doc.disk = stamp(path, text)
    except OSError:
        doc.disk = None
