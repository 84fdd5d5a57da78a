"""Training data from a CSV file: a header row naming the columns, then one
sample per row.  Only the columns asked for are read; every value must be a
finite number.  Problems name the CSV file, the line and the column."""
from __future__ import annotations

import csv
import io
import math

import numpy as np

from .errors import FileFormatError, Problems
from .files import read_text
from .limits import MAX_DATA_VALUES, MAX_SAMPLES

SHOWN_CELL = 24          # characters of a bad cell a message quotes: never more of a file than that


def _shown(cell: str) -> str:
    if not cell:
        return "an empty cell"
    if len(cell) <= SHOWN_CELL and cell.isprintable():
        return repr(cell)
    return f"{len(cell):,} characters of text"


def _columns(header: list[str]) -> str:
    """The header named in a message, if it looks like one (a line of some other file is not quoted)."""
    if len(header) <= 30 and all(len(h) <= SHOWN_CELL and h.isprintable() for h in header):
        return f"the columns are: {', '.join(header)}"
    return f"the first line has {len(header):,} fields and does not look like a header of column names"


def read_csv(path, columns) -> dict[str, np.ndarray]:
    """``{header: values}`` for each header in ``columns`` (a list of header names)."""
    text = read_text(path, "CSV data file")
    return parse_csv(text, columns, str(path))


def dialect_of(text: str):
    """The CSV dialect (comma, semicolon or tab) the start of ``text`` looks like."""
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        return csv.excel


def parse_csv(text: str, columns, name: str = "<csv>") -> dict[str, np.ndarray]:
    problems = Problems(name)
    columns = list(dict.fromkeys(columns))
    dialect = dialect_of(text)
    values: list[list[float]] = [[] for _ in columns]
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(rows, None)
        if header is None or not any(h.strip() for h in header):
            problems.add("line 1", "expected a header row naming the columns, got an empty file")
            raise FileFormatError(problems.items)
        header = [h.strip() for h in header]
        where: dict[str, int] = {}
        for k, h in enumerate(header):
            where.setdefault(h, k)
        missing = [c for c in columns if c not in where]
        for c in missing:
            problems.add("line 1", f"no column named {c!r}; {_columns(header)}")
        problems.raise_if_any()
        idx = [where[c] for c in columns]
        count = 0
        for row in rows:
            line = rows.line_num
            if not row or all(not x.strip() for x in row):
                continue
            count += 1
            if count > MAX_SAMPLES:
                problems.add(f"line {line}", f"more than {MAX_SAMPLES:,} samples; at most {MAX_SAMPLES:,} are "
                                             f"allowed (the documented limit)")
                break
            if count * max(1, len(columns)) > MAX_DATA_VALUES:
                problems.add(f"line {line}", f"more than {MAX_DATA_VALUES:,} numbers; at most {MAX_DATA_VALUES:,} "
                                             f"are allowed (the documented limit)")
                break
            for j, (c, k) in enumerate(zip(columns, idx)):
                cell = row[k].strip() if k < len(row) else ""
                try:
                    x = float(cell)
                except ValueError:
                    x = None
                if x is None or not math.isfinite(x):
                    got = _shown(cell)
                    problems.add(f"line {line}, column {c!r}", f"expected a finite number, got {got}")
                    x = 0.0
                values[j].append(x)
    except csv.Error as e:
        problems.add(f"line {rows.line_num}", f"not valid CSV: {e}")
    except FileFormatError:
        raise
    if not problems and not any(values) and columns:
        problems.add("line 2", "expected at least one data row after the header")
    problems.raise_if_any()
    return {c: np.array(v, dtype=float) for c, v in zip(columns, values)}
