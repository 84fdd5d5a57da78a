"""Line segments to one QPainterPath, fast and without pyqtgraph.

A QPainterPath read from a QDataStream is a vertex count, then per vertex a
flag (0: move to, 1: line to) and x, y as big-endian doubles, then the
fill rule: filled from NumPy in one go, as ``pyqtgraph.arrayToQPath`` does,
so the window can draw thousands of edges without importing pyqtgraph.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainterPath

_VERTEX = np.dtype([("c", ">i4"), ("x", ">f8"), ("y", ">f8")])


def segments_path(x, y) -> QPainterPath:
    """Segments from (x[0], y[0]) to (x[1], y[1]), (x[2], y[2]) to (x[3], y[3]), ...
    (``arrayToQPath(x, y, connect="pairs")``, the points finite)."""
    n = len(x)
    path = QPainterPath()
    if n == 0:
        return path
    buf = bytearray(4 + n * _VERTEX.itemsize + 8)       # + cStart and fill rule, both 0
    buf[:4] = np.array([n], ">i4").tobytes()
    arr = np.frombuffer(buf, dtype=_VERTEX, count=n, offset=4)
    arr["x"] = x
    arr["y"] = y
    arr["c"][1::2] = 1
    QDataStream(QByteArray(buf)) >> path
    return path
