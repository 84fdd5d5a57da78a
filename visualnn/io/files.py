"""Reading a file safely: what it is (a folder, a link, a device) is checked
before it is opened, its size before it is read, and its text must be UTF-8.
Each failure is one clear ``Problem`` naming the file."""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import FileFormatError, Problem
from .limits import MAX_FILE_BYTES


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_text(path, what: str = "network file") -> str:
    """The text of ``path``; raises ``FileFormatError`` with one problem saying why not."""
    name = str(path)

    def fail(message: str, place: str = ""):
        raise FileFormatError([Problem(name, place, message)])

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        fail("no such file")
    except NotADirectoryError:
        fail("no such file (a part of the path is a file, not a folder)")
    except PermissionError:
        fail("cannot look at this file: permission denied for its folder")
    except (OSError, ValueError) as e:
        fail(f"cannot open: {getattr(e, 'strerror', None) or e}")
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        fail(f"is a symbolic link (to {target}); for safety links are not followed: open the {what} it points to")
    if stat.S_ISDIR(st.st_mode):
        fail(f"is a folder, not a file; expected a {what}")
    if not stat.S_ISREG(st.st_mode):
        fail(f"is not a regular file (a device, pipe or socket); expected a {what}")
    if st.st_size > MAX_FILE_BYTES:
        fail(f"the file is {_mb(st.st_size)}; files over {_mb(MAX_FILE_BYTES)} are refused "
             f"(the limit on a {what})")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        fail("cannot read this file: permission denied")
    except OSError as e:
        fail(f"cannot read this file: {e.strerror or e}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):          # replaced between the look and the open
            fail(f"is not a regular file; expected a {what}")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        fail(f"cannot read this file: {e.strerror or e}")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        fail(f"the file is over {_mb(MAX_FILE_BYTES)}; larger files are refused (the limit on a {what})")
    return decode(data, name, what)


def decode(data: bytes, name: str, what: str = "network file") -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[:e.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise FileFormatError([Problem(name, f"line {line}, column {col}",
                                       f"not UTF-8 text (byte 0x{data[e.start]:02x}); a {what} must be saved "
                                       f"as UTF-8")]) from None


SYSTEM_FOLDERS = ("/proc/", "/sys/", "/dev/")


def confine(base: Path | None, relative: str) -> Path:
    """The data file ``relative`` names, in ``base`` (the network file's folder; None: the
    current folder); ``ValueError`` saying why when it would lie outside that folder: an
    absolute path, a ``..``, a symbolic link on the way, a system file. The message names
    the path, never what the file holds."""
    rel = PurePosixPath(relative.replace("\\", "/"))
    if rel.is_absolute() or PureWindowsPath(relative).drive:
        raise ValueError(f"{relative!r} is an absolute path; a data file is named relative to this file's "
                         f"folder and must lie in it")
    if ".." in rel.parts:
        raise ValueError(f"{relative!r} contains '..'; a data file is named by a path inside the network "
                         f"file's folder (it must lie there or below)")
    folder = Path(os.path.realpath(base if base is not None else "."))
    here = folder
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            raise ValueError(f"{relative!r}: {part!r} is a symbolic link; for safety a data file is not reached "
                             f"through links")
    real = os.path.realpath(here)
    if os.path.commonpath([real, str(folder)]) != str(folder) or real.startswith(SYSTEM_FOLDERS):
        raise ValueError(f"{relative!r} lies outside this file's folder; a data file must lie in it")
    return here
