"""The ``data`` section: the samples a network is fed.

Four ways to give them (exactly one):

- ``"samples": [{"i1": 0.05, "i2": 0.1, "target_o1": 0.01, ...}, ...]`` one object per sample;
- ``"columns": {"i1": [...], "i2": [...], ...}`` one list per input and target;
- ``"generator": "spiral"`` with ``n``, ``noise``, ``seed``, ``test_fraction`` and the
  generator's own settings (``visualnn.engine.datasets``), its columns mapped in
  order onto the network's inputs, then targets;
- ``"csv": "points.csv"`` (relative to the network file) with ``"columns"`` mapping
  each input and target to a column header.

Inline data may hold a held-out part in ``test_samples`` / ``test_columns``.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..engine.model import Dataset
from .budget import too_many
from .checks import Checker, is_number, listing, suggestion
from .csv_data import read_csv
from .errors import FileFormatError
from .files import confine
from .jsontext import join
from .limits import MAX_DATA_VALUES, MAX_SAMPLES

INLINE_KEYS = ("samples", "test_samples", "columns", "test_columns")
GENERATOR_KEYS = ("generator", "n", "noise", "seed", "test_fraction", "features")
CSV_KEYS = ("csv", "columns", "test_fraction", "seed")


@dataclass
class DataInfo:
    dataset: Dataset
    form: str                                  # samples | columns | generator | csv | none
    files: list[Path] = field(default_factory=list)
    features: list[str] | None = None          # generator: the input features the points became


def _generators():
    from ..engine import datasets
    return datasets


def generator_settings(name: str) -> dict:
    """The extra settings a generator takes, with their defaults."""
    fn = _generators().GENERATORS[name]
    params = list(inspect.signature(fn).parameters.values())[3:]     # after (n, rng, noise)
    return {p.name: p.default for p in params}


def read_data(ck: Checker, decl, place: str, inputs: list[str], targets: list[str],
              base_dir: Path | None) -> DataInfo | None:
    needed = list(inputs) + list(targets)
    decl = ck.obj(decl, place, "an object with samples, columns, a generator or a csv file")
    if decl is None:
        return None
    forms = [k for k in ("samples", "generator", "csv") if k in decl]
    if "columns" in decl and "csv" not in decl:
        forms.append("columns")
    if len(forms) > 1:
        ck.add(place, f"give the data one way, not {' and '.join(forms)}")
        return None
    if not forms:
        ck.add(place, 'expected "samples", "columns", "generator" or "csv"')
        return None
    form = forms[0]
    if form == "generator":
        return _read_generator(ck, decl, place, inputs, targets)
    if form == "csv":
        return _read_csv(ck, decl, place, needed, base_dir)
    ck.keys(decl, place, ("samples", "test_samples", "features") if form == "samples"
            else ("columns", "test_columns", "features"))
    before = ck.failures
    features = _read_features(ck, decl, place, None, len(inputs)) if "features" in decl else None
    reader = _read_samples if form == "samples" else _read_columns
    train = reader(ck, decl[form], join(place, form), needed, required=True)
    test_key = "test_" + form
    test = reader(ck, decl[test_key], join(place, test_key), needed, required=False) if test_key in decl else {}
    if ck.failures > before or train is None or test is None:
        return None
    return DataInfo(Dataset(train, test), form, features=features)


def _limit(ck: Checker, place: str, n: int, k: int) -> bool:
    if n > MAX_SAMPLES:
        ck.add(place, too_many(n, "samples", MAX_SAMPLES))
        return False
    if n * max(k, 1) > MAX_DATA_VALUES:
        ck.add(place, f"{n:,} samples of {k} values is {n * max(k, 1):,} numbers; at most {MAX_DATA_VALUES:,} "
                      f"numbers are allowed (the documented limit)")
        return False
    return True


def _unknown_name(ck: Checker, place: str, key: str, needed: list[str]) -> None:
    known = f"the network's inputs and targets are: {listing(needed)}" if needed else \
        "the network has no inputs or targets"
    ck.add(place, f"no input or target named {key!r}{suggestion(key, needed)}; {known}")


def _read_samples(ck: Checker, v, place: str, needed: list[str], required: bool) -> dict | None:
    lst = ck.lst(v, place, "a list of samples (objects mapping input and target names to numbers)")
    if lst is None:
        return None
    if required and not lst:
        ck.add(place, "expected at least one sample, got an empty list")
        return None
    if not _limit(ck, place, len(lst), len(needed)):
        return None
    cols = {n: np.zeros(len(lst)) for n in needed}
    ok = True
    for i, s in enumerate(lst):
        p = f"{place}[{i}]"
        s = ck.obj(s, p, "a sample (an object mapping input and target names to numbers)")
        if s is None:
            ok = False
            continue
        for k, x in s.items():
            if k not in cols:
                _unknown_name(ck, join(p, k), k, needed)
                ok = False
                continue
            x = ck.number(x, join(p, k), f"a number for {k}")
            if x is None:
                ok = False
            else:
                cols[k][i] = x
        missing = [n for n in needed if n not in s]
        if missing:
            ck.add(p, f"missing a value for {listing(missing)}; every sample needs every input and target")
            ok = False
    return cols if ok else None


def _read_columns(ck: Checker, v, place: str, needed: list[str], required: bool) -> dict | None:
    obj = ck.obj(v, place, "an object mapping each input and target name to a list of numbers")
    if obj is None:
        return None
    ok = True
    cols = {}
    length = None
    for k, col in obj.items():
        p = join(place, k)
        if k not in needed:
            _unknown_name(ck, p, k, needed)
            ok = False
            continue
        lst = ck.lst(col, p, f"a list of numbers for {k}")
        if lst is None:
            ok = False
            continue
        if not _limit(ck, p, len(lst), len(needed)):
            return None
        arr = np.zeros(len(lst))
        for i, x in enumerate(lst):
            x = ck.number(x, f"{p}[{i}]", f"a number for {k}")
            if x is None:
                ok = False
            else:
                arr[i] = x
        if length is None:
            length = (k, len(lst))
        elif len(lst) != length[1]:
            ck.add(p, f"expected {length[1]} values, as many as {length[0]!r} has, got {len(lst)}")
            ok = False
        cols[k] = arr
    missing = [n for n in needed if n not in obj]
    if missing:
        ck.add(place, f"missing a column for {listing(missing)}; every input and target needs one")
        ok = False
    if ok and required and needed and length is not None and length[1] == 0:
        ck.add(place, "expected at least one sample, got empty columns")
        ok = False
    return cols if ok else None


def _read_features(ck: Checker, decl: dict, place: str, generator: str | None,
                   inputs: int | None = None) -> list[str] | None:
    """The input features a generated two-input data set is turned into (inline
    data: which feature each input holds, one per input)."""
    from ..engine.features import FEATURES
    p = join(place, "features")
    lst = ck.lst(decl["features"], p, f"a list of input features ({', '.join(FEATURES)})")
    if lst is None:
        return None
    if generator is not None and _generators().shape(generator)[0] != 2:
        ck.add(p, f"input features need two-input data; the {generator!r} data has {_generators().shape(generator)[0]}")
        return None
    if inputs is not None and len(lst) != inputs:
        ck.add(p, f"expected one feature per input ({inputs}), got {len(lst)}")
        return None
    names = [ck.choice(f, f"{p}[{k}]", list(FEATURES), "input feature") for k, f in enumerate(lst)]
    if not lst:
        ck.add(p, "expected at least one input feature, got an empty list")
        return None
    if len(set(lst)) != len(lst) or any(n is None for n in names):
        if len(set(map(str, lst))) != len(lst):
            ck.add(p, "each input feature may be named once")
        return None
    return [str(n) for n in names]


def _read_generator(ck: Checker, decl: dict, place: str, inputs, targets) -> DataInfo | None:
    ds = _generators()
    name = ck.choice(decl["generator"], join(place, "generator"), list(ds.GENERATORS), "data generator")
    if name is None:
        return None
    extra = generator_settings(name)
    ck.keys(decl, place, list(GENERATOR_KEYS) + list(extra))
    before = ck.failures
    kw: dict[str, float | tuple[float, ...]] = {}
    n = None
    if "n" in decl:
        n = ck.number(decl["n"], join(place, "n"), "a number of samples", lo=1, integer=True)
        if n is not None and n > MAX_SAMPLES:
            ck.add(join(place, "n"), too_many(int(n), "samples", MAX_SAMPLES))
            n = None
    noise = ck.number(decl.get("noise", 0.0), join(place, "noise"), "a noise level", lo=0)
    seed = ck.number(decl.get("seed", 0), join(place, "seed"), "a seed", lo=0, hi=2 ** 63 - 1, integer=True)
    frac = ck.number(decl.get("test_fraction", 0.0), join(place, "test_fraction"),
                     "a fraction of samples held out for testing", lo=0, hi=0.9)
    for k, default in extra.items():
        if k in decl:
            got = _generator_setting(ck, decl[k], join(place, k), default)
            if got is not None:
                kw[k] = got
    features = _read_features(ck, decl, place, name) if "features" in decl else None
    if ck.failures > before:
        return None
    assert noise is not None and seed is not None and frac is not None    # each recorded a failure otherwise
    n_in, n_out = ds.shape(name)
    if features is not None:
        n_in = len(features)
    if n_in != len(inputs) or n_out != len(targets):
        ck.add(join(place, "generator"), f"the {name!r} data has {n_in} input(s) and {n_out} target(s); the network "
                                         f"has {len(inputs)} input(s) ({listing(inputs, 6)}) and {len(targets)} "
                                         f"target(s) ({listing(targets, 6)})")
        return None
    try:
        with np.errstate(all="ignore"):
            train, test = ds.generate(name, n=n, noise=float(noise), seed=int(seed), test_fraction=float(frac), **kw)
            if features is not None:
                from ..engine.features import with_features
                train, test = with_features(train, features), with_features(test, features)
        dataset = ds.as_dataset(train, test, list(inputs), list(targets))
    except (ValueError, TypeError, ArithmeticError) as e:     # e.g. numpy's OverflowError for a huge span
        ck.add(place, f"cannot generate the {name!r} data: {e}")
        return None
    for cols in (dataset.columns, dataset.test):
        for k, v in cols.items():
            if not np.all(np.isfinite(v)):
                ck.add(place, f"the {name!r} generator made non-finite values for {k!r} with these settings")
                return None
    return DataInfo(dataset, "generator", features=features)


def _generator_setting(ck: Checker, v, p: str, default) -> float | tuple[float, ...] | None:
    """A generator's own setting: a number, or as many numbers as its default has."""
    if not isinstance(default, (tuple, list)):
        x = ck.number(v, p)
        return None if x is None else float(x)
    lst = ck.lst(v, p, f"a list of {len(default)} numbers")
    if lst is None:
        return None
    if len(lst) != len(default):
        ck.add(p, f"expected {len(default)} numbers, got {len(lst)}")
        return None
    xs = [ck.number(x, f"{p}[{i}]") for i, x in enumerate(lst)]
    nums = [x for x in xs if x is not None]
    return tuple(float(x) for x in nums) if len(nums) == len(xs) else None


def _read_csv(ck: Checker, decl: dict, place: str, needed: list[str], base_dir: Path | None) -> DataInfo | None:
    ck.keys(decl, place, CSV_KEYS, required=("csv", "columns"))
    before = ck.failures
    rel = ck.string(decl["csv"], join(place, "csv"), "the path of a CSV file (relative to this file)")
    mapping = {}
    if "columns" in decl:
        cp = join(place, "columns")
        obj = ck.obj(decl["columns"], cp, "an object mapping each input and target to a CSV column header")
        if obj is not None:
            for k, h in obj.items():
                if k not in needed:
                    _unknown_name(ck, join(cp, k), k, needed)
                    continue
                h = ck.string(h, join(cp, k), "a CSV column header")
                if h is not None:
                    mapping[k] = h.strip()
            missing = [n for n in needed if n not in obj]
            if missing:
                ck.add(cp, f"missing a column for {listing(missing)}; every input and target needs one")
    frac = ck.number(decl.get("test_fraction", 0.0), join(place, "test_fraction"),
                     "a fraction of samples held out for testing", lo=0, hi=0.9)
    seed = ck.number(decl.get("seed", 0), join(place, "seed"), "a seed", lo=0, hi=2 ** 63 - 1, integer=True)
    if ck.failures > before or rel is None:
        return None
    assert frac is not None and seed is not None    # each recorded a failure otherwise
    if not rel.strip() or "\x00" in rel:
        ck.add(join(place, "csv"), "expected the path of a CSV file, got an empty or invalid path")
        return None
    try:
        path = confine(base_dir, rel)
    except ValueError as e:
        ck.add(join(place, "csv"), str(e))
        return None
    try:
        raw = read_csv(path, list(mapping.values()))
    except FileFormatError as e:
        for p in e.problems:
            ck.problems.append(p)
            ck.failures += 1
        return None
    cols = {k: raw[h] for k, h in mapping.items()}
    n = len(next(iter(cols.values()))) if cols else 0
    train, test = cols, {}
    if frac and n > 1:
        n_test = min(int(round(n * frac)), n - 1)
        rng = np.random.default_rng(int(seed))
        idx = np.sort(rng.permutation(n)[:n_test])
        mask = np.ones(n, dtype=bool)
        mask[idx] = False
        train = {k: v[mask] for k, v in cols.items()}
        test = {k: v[~mask] for k, v in cols.items()}
    return DataInfo(Dataset(train, test), "csv", [path])


# -- writing ----------------------------------------------------------------------
def _numbers(arr) -> list:
    return [float(x) for x in np.asarray(arr, dtype=float).ravel()]


def inline_declaration(dataset: Dataset, form: str = "samples") -> dict:
    """The data written out in full (``form``: samples or columns)."""
    def as_samples(cols):
        names = list(cols)
        rows = zip(*(_numbers(cols[n]) for n in names)) if names else []
        return [dict(zip(names, r)) for r in rows]

    def as_columns(cols):
        return {k: _numbers(v) for k, v in cols.items()}

    conv = as_samples if form == "samples" else as_columns
    out = {form: conv(dataset.columns)}
    if dataset.test and any(len(v) for v in dataset.test.values()):
        out["test_" + form] = conv(dataset.test)
    return out


def same_dataset(a: Dataset, b: Dataset) -> bool:
    for x, y in ((a.columns, b.columns), (a.test, b.test)):
        if list(x) != list(y):
            return False
        for k in x:
            u, v = np.asarray(x[k], dtype=float), np.asarray(y[k], dtype=float)
            if u.shape != v.shape or not np.array_equal(u, v):
                return False
    return True


def copy_dataset(d: Dataset) -> Dataset:
    return Dataset({k: np.array(v, dtype=float) for k, v in d.columns.items()},
                   {k: np.array(v, dtype=float) for k, v in d.test.items()})


def check_numbers_finite(dataset: Dataset) -> list[tuple[str, str]]:
    bad = []
    for part, cols in (("data", dataset.columns), ("test data", dataset.test)):
        for k, v in cols.items():
            if not np.all(np.isfinite(np.asarray(v, dtype=float))):
                bad.append((f"{part}.{k}", "holds NaN or infinite values, which JSON cannot store"))
    return bad


def is_number_list(v) -> bool:
    return isinstance(v, list) and all(is_number(x) for x in v)
