"""File > Import data…: a CSV file as a table whose columns the user gives
roles (feature, target or ignore), then the samples those columns hold.

Unlike a ``"csv"`` data section (which must be clean), an import keeps the good
rows and reports each bad one by its line, so one typo does not lose a data set.
The same limits hold as for any data (``io.limits``), and a feature column's
header becomes an input node's name, so it must be a name a file could hold.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from .checks import Checker
from .csv_data import _shown, dialect_of
from .errors import FileFormatError, Problem, Problems
from .files import read_text
from .limits import MAX_DATA_VALUES, MAX_NAME_LENGTH, MAX_SAMPLES

ROLES = ("feature", "target", "ignore")
PREVIEW_ROWS = 20
NAME_ROOM = 40            # characters a weight's name adds to its input's ("w_<input>_<neuron>")


@dataclass
class Table:
    name: str                               # the file, as messages name it
    header: list[str]
    rows: list[tuple[int, list[str]]]       # (line number, cells) of each non-blank row


@dataclass
class Imported:
    columns: dict[str, np.ndarray]          # header -> values, in the order of the roles
    features: list[str]
    targets: list[str]
    skipped: list[Problem]                  # one per bad row, naming its line


def read_table(path) -> Table:
    return parse_table(read_text(path, "CSV data file"), str(path))


def parse_table(text: str, name: str = "<csv>") -> Table:
    problems = Problems(name)
    reader = csv.reader(io.StringIO(text, newline=""), dialect_of(text))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            problems.add("line 1", "expected a header row naming the columns, got an empty file")
            problems.raise_if_any()
        for row in reader:
            if row and any(x.strip() for x in row):
                rows.append((reader.line_num, row))
                if len(rows) > MAX_SAMPLES:
                    problems.add(f"line {reader.line_num}", f"more than {MAX_SAMPLES:,} samples; at most "
                                                            f"{MAX_SAMPLES:,} are allowed (the documented limit)")
                    break
    except csv.Error as e:
        problems.add(f"line {reader.line_num}", f"not valid CSV: {e}")
    problems.raise_if_any()
    if not rows:
        problems.add("line 2", "expected at least one data row after the header")
        problems.raise_if_any()
    return Table(name, header, rows)


def _number(cell: str) -> float | None:
    try:
        x = float(cell.strip())
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def guess_roles(table: Table) -> list[str]:
    """A first guess: columns of numbers (in most of the first rows; a typo is a bad row,
    not a text column) are features, the last of them the target; text is ignored."""
    head = table.rows[:PREVIEW_ROWS]
    numeric = [2 * sum(k < len(r) and _number(r[k]) is not None for _, r in head) > len(head)
               for k in range(len(table.header))]
    roles = ["feature" if ok else "ignore" for ok in numeric]
    if any(numeric):
        roles[max(k for k, ok in enumerate(numeric) if ok)] = "target"
    return roles


def take_columns(table: Table, roles: list[str]) -> Imported:
    """The samples of the columns given a role; a row with a cell that is not a
    finite number is left out and named by its line in ``skipped``."""
    problems = Problems(table.name)
    ck = Checker(problems)
    chosen = [k for k, r in enumerate(roles) if r != "ignore"]
    features = [table.header[k] for k, r in enumerate(roles) if r == "feature"]
    targets = [table.header[k] for k, r in enumerate(roles) if r == "target"]
    for k in chosen:
        name = ck.name(table.header[k], f"line 1, column {k + 1}", "a column name (it names an input or target)")
        if name is not None and len(name) > MAX_NAME_LENGTH - NAME_ROOM:
            problems.add(f"line 1, column {k + 1}", f"the column name is {len(name)} characters; an input's name "
                                                    f"may have at most {MAX_NAME_LENGTH - NAME_ROOM} (its weights' "
                                                    f"names hold it, and a name has at most {MAX_NAME_LENGTH})")
    names = [table.header[k] for k in chosen]
    if len(set(names)) != len(names):
        problems.add("line 1", "two chosen columns have the same name; rename one or ignore it")
    if not features or not targets:
        problems.add("", "choose at least one feature column and one target column")
    if len(table.rows) * max(1, len(chosen)) > MAX_DATA_VALUES:
        problems.add("", f"{len(table.rows):,} rows of {len(chosen)} columns is more than {MAX_DATA_VALUES:,} "
                         f"numbers (the documented limit)")
    problems.raise_if_any()
    values: list[list[float]] = [[] for _ in chosen]
    skipped: list[Problem] = []
    for line, row in table.rows:
        got = [_number(row[k]) if k < len(row) else None for k in chosen]
        numbers = [x for x in got if x is not None]
        if len(numbers) != len(got):
            bad = got.index(None)
            k = chosen[bad]
            cell = row[k] if k < len(row) else ""
            skipped.append(Problem(table.name, f"line {line}, column {table.header[k]!r}",
                                   f"expected a finite number, got {_shown(cell.strip())}; the row is left out"))
            continue
        for j, x in enumerate(numbers):
            values[j].append(x)
    if not values[0]:
        raise FileFormatError(skipped or [Problem(table.name, "line 2", "no row holds numbers in every chosen column")])
    return Imported({n: np.array(v) for n, v in zip(names, values)}, features, targets, skipped)
