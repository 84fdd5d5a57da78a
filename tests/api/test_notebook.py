"""The example notebook and the step slider (the ``notebook`` extra)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import visualnn as vn

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "python_api.ipynb"


def _outputs(cells, marker: str) -> list[dict]:
    cell = next(c for c in cells if c["cell_type"] == "code" and marker in "".join(c["source"]))
    return cell["outputs"]


def _text(v) -> str:
    return "".join(v) if isinstance(v, list) else v        # a saved notebook splits text into lines


def _check(cells):
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(o.get("output_type") != "error" for c in code for o in c.get("outputs", []))
    printed = "".join(_text(o.get("text", "")) for o in _outputs(cells, "f.backward()"))
    assert "f = -12.0, df/dx = -4.0, df/dy = -4.0, df/dz = 3.0" in printed
    for marker in ('tr.at("forward:f")', 'tr.at("backward:f")', 'tr.at("backward:q")'):
        assert "<svg" in _text(_outputs(cells, marker)[0]["data"]["image/svg+xml"])
    net = _outputs(cells, 'net.at("backward:net_o1")')
    assert "Backward through net_o1" in _text(net[0]["text"])
    picture = _text(net[1]["data"]["image/svg+xml"])
    assert ">o1<" in picture and ">E_total<" in picture
    assert "<table>" in _text(_outputs(cells, "tr.table()")[0]["data"]["text/html"])


def test_the_example_notebook_is_saved_with_its_outputs():
    _check(json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"])


def test_the_example_notebook_runs_and_shows_the_two_two_two_network_at_backward_net_o1():
    nbformat = pytest.importorskip("nbformat", reason="pip install 'visualnn[notebook]'")
    nbclient = pytest.importorskip("nbclient", reason="pip install 'visualnn[notebook]'")
    pytest.importorskip("ipykernel", reason="pip install 'visualnn[notebook]'")
    pytest.importorskip("PySide6", reason="the notebook's pictures are drawn with Qt")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for c in nb.cells:
        c.pop("outputs", None) if c.cell_type != "code" else c.update(outputs=[], execution_count=None)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    _check(nb.cells)


def test_the_step_slider_moves_the_picture_and_the_caption():
    pytest.importorskip("PySide6")
    pytest.importorskip("ipywidgets", reason="pip install 'visualnn[notebook]'")
    x = vn.Value(3.0, "x", kind="input")
    tr = vn.trace((x * x).named("y").tanh().named("t"))
    box = tr.slider()
    buttons, caption, picture = box.children
    back, slider, forward = buttons.children
    first = picture.value
    forward.click()
    assert slider.value == 1 and picture.value != first and "y" in caption.value
    for _ in range(10):
        forward.click()
    assert slider.value == len(tr) == 4
    back.click()
    assert slider.value == 3 and caption.value == tr.at(3).caption
