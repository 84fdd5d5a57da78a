"""Samples to attach to an imported model (``visualnn import --data`` and File > Import model…):
rows of numbers, the inputs then the targets, from a CSV, a ``.npy`` or an ``.npz`` file.
A bad cell is named by its file and line.  Never imports Qt."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .dense import ImportRefused

SAMPLE_SUFFIXES = (".csv", ".npz", ".npy")


class SamplesRefused(ImportRefused):
    """Samples that cannot be attached: the message names the data file (and line)."""


def read_samples(path: Path) -> np.ndarray:
    """Rows of numbers from a CSV file (a header line of names is skipped), a .npy array,
    or an .npz holding one array or X (inputs) with T or Y (targets)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            a = np.load(path, allow_pickle=False)
        elif suffix == ".npz":
            a = _npz_rows(path)
        else:
            a = _csv_rows(path, path.read_text(encoding="utf-8").splitlines())
    except SamplesRefused:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise SamplesRefused(f"{path}: cannot read samples: {err}") from None
    a = np.asarray(a, dtype=float)
    a = a.reshape(1, -1) if a.ndim == 1 else a
    if a.ndim != 2 or a.shape[0] == 0:
        raise SamplesRefused(f"{path}: expected a table of numbers, one row per sample")
    bad = np.argwhere(~np.isfinite(a))
    if len(bad):
        r, c = bad[0]
        raise SamplesRefused(f"{path}: row {r + 1}, column {c + 1}: {a[r, c]} is not a finite number")
    return a


def _csv_rows(path: Path, lines: list[str]) -> list[list[float]]:
    """The numbers of a CSV, a bad cell named by its line (counted from 1, as an editor shows)."""
    rows: list[list[float]] = []
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")]
        if not rows and any(c.isalpha() for c in line.replace("e", "").replace("E", "")) and _first(lines) == k:
            continue                                 # a header line of names
        bad = next((c for c in cells if not _is_number(c)), None)
        if bad is not None:
            raise SamplesRefused(f"{path}, line {k}, column {cells.index(bad) + 1}: {bad[:40]!r} is not a number")
        row = [float(c) for c in cells]
        if rows and len(row) != len(rows[0]):
            raise SamplesRefused(f"{path}, line {k}: {len(row)} values, but the rows above have {len(rows[0])}")
        nonfinite = next((c for c, v in zip(cells, row) if not np.isfinite(v)), None)
        if nonfinite is not None:
            raise SamplesRefused(f"{path}, line {k}, column {cells.index(nonfinite) + 1}: {nonfinite!r} "
                                 "is not a finite number")
        rows.append(row)
    if not rows:
        raise SamplesRefused(f"{path}: no samples (expected rows of numbers: the inputs, then the targets)")
    return rows


def _first(lines: list[str]) -> int:
    """The number of the first line that is not blank."""
    return next((k for k, line in enumerate(lines, start=1) if line.strip()), 0)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _npz_rows(path: Path) -> np.ndarray:
    with np.load(path, allow_pickle=False) as z:
        names = list(z.files)
        if len(names) == 1:
            return np.atleast_2d(z[names[0]])
        inputs = next((n for n in ("X", "x", "inputs") if n in names), None)
        targets = next((n for n in ("T", "Y", "y", "t", "targets") if n in names), None)
        if inputs is None:
            raise SamplesRefused(f"{path}: holds {', '.join(names)}; expected one array, or X (inputs) "
                                 "with T or Y (targets)")
        X = np.asarray(z[inputs], dtype=float)
        X = X.reshape(-1, 1) if X.ndim == 1 else X
        if targets is None:
            return X
        T = np.asarray(z[targets], dtype=float)
        T = T.reshape(len(T), -1)
        if len(T) != len(X):
            raise SamplesRefused(f"{path}: {inputs} has {len(X)} rows but {targets} has {len(T)}")
        return np.hstack([X, T])
