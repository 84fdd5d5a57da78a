"""Shared helpers for the file-format tests."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from visualnn.io import FileFormatError, loads
from visualnn.io.network import signature

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def example_json(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def problems(doc, source="net.json"):
    """The problems loading ``doc`` (a dict or JSON text) reports; fails if it loads."""
    text = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    with pytest.raises(FileFormatError) as info:
        loads(text, source=source, base_dir=EXAMPLES)
    return info.value.problems


def at(found, place):
    """The one problem reported at ``place``."""
    hits = [p for p in found if p.place == place]
    assert hits, f"no problem at {place!r}; got: " + "; ".join(f"{p.place}: {p.message}" for p in found)
    return hits[0]


def mazur():
    return copy.deepcopy(example_json("mazur_2_2_2"))


def graph_doc(nodes, **extra):
    doc = {"format": "visualnn", "version": 1, "title": "t", "network": {"type": "graph", "nodes": nodes}}
    doc.update(extra)
    return doc


def same_document(a, b) -> None:
    """Two documents describe the same network, parameters, data and sections."""
    ma, mb = a.model, b.model
    assert signature(ma.graph) == signature(mb.graph)
    assert ma.spec == mb.spec
    assert ma.params == mb.params
    assert (ma.title, ma.description) == (mb.title, mb.description)
    assert ma.training == mb.training
    for x, y in ((ma.data.columns, mb.data.columns), (ma.data.test, mb.data.test)):
        assert list(x) == list(y)
        for k in x:
            assert np.array_equal(x[k], y[k]), k
    assert a.lecture == b.lecture
    assert a.view == b.view
    assert a.extra == b.extra
    assert a.output == b.output
