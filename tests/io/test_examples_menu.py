"""The bundled examples: found from a checkout or an installed wheel, listed for
the Examples menu, each valid (and valid against the JSON Schema)."""
import json
import sys
from pathlib import Path

import pytest

from iohelp import EXAMPLE_NAMES, EXAMPLES, ROOT
from visualnn.io import examples_dir, list_examples, load
from visualnn.io import paths as paths_module

EXPECTED = ["add_mul", "and_or_perceptron", "circles", "error_table", "four_pixel_camera", "mazur_2_2_2", "mm_bag",
            "pixel_neuron", "relu_stuck", "sigmoid_neuron", "slope", "spiral", "tea_temperature", "vanishing_relu",
            "vanishing_sigmoid", "xor"]


def test_all_lecture_examples_are_bundled():
    assert EXAMPLE_NAMES == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_example_loads_with_a_title_and_a_lecturers_description(name):
    doc = load(EXAMPLES / f"{name}.json")
    assert doc.model.title and len(doc.model.description) > 100
    assert doc.model.graph.order


def test_examples_dir_finds_the_checkout():
    assert examples_dir() == EXAMPLES


def test_examples_dir_finds_an_installed_wheels_data_files(tmp_path, monkeypatch):
    share = tmp_path / "share" / "visualnn" / "examples"
    share.mkdir(parents=True)
    (share / "add_mul.json").write_text((EXAMPLES / "add_mul.json").read_text())
    monkeypatch.setattr(paths_module, "PACKAGE", tmp_path / "site-packages" / "visualnn")
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.delenv("VISUALNN_EXAMPLES", raising=False)
    assert examples_dir() == share
    assert [p.name for p, _, _ in list_examples()] == ["add_mul.json"]


def test_missing_examples_say_where_they_were_looked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(paths_module, "PACKAGE", tmp_path / "nowhere" / "visualnn")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "p1"))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "p2"))
    monkeypatch.setattr(paths_module.site, "USER_BASE", str(tmp_path / "p3"))
    monkeypatch.delenv("VISUALNN_EXAMPLES", raising=False)
    with pytest.raises(FileNotFoundError) as info:
        examples_dir()
    assert "looked in:" in str(info.value) and str(tmp_path / "p1" / "share" / "visualnn" / "examples") in str(info.value)


def test_list_examples_gives_path_title_and_description():
    items = list_examples()
    assert [p.stem for p, _, _ in items] == EXPECTED
    by = {p.stem: (t, d) for p, t, d in items}
    assert by["mazur_2_2_2"][0] == "Backpropagation, step by step: the 2-2-2 network"
    assert "0.082167041" in by["mazur_2_2_2"][1]


def test_list_examples_skips_files_that_are_not_network_files(tmp_path, monkeypatch):
    (tmp_path / "a.json").write_text((EXAMPLES / "xor.json").read_text())
    (tmp_path / "b.json").write_text("{broken")
    (tmp_path / "c.json").write_text('{"format": "other"}')
    monkeypatch.setenv("VISUALNN_EXAMPLES", str(tmp_path))
    assert [p.name for p, _, _ in list_examples()] == ["a.json"]


# --- the JSON Schema ---------------------------------------------------------------------
SCHEMA = ROOT / "resources" / "visualnn.schema.json"


def test_schema_is_draft_2020_12_json():
    schema = json.loads(SCHEMA.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"]["const"] == "visualnn"


@pytest.mark.parametrize("name", EXPECTED)
def test_every_example_validates_against_the_schema(name):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


def test_schema_rejects_what_the_loader_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    v = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    good = json.loads((EXAMPLES / "mazur_2_2_2.json").read_text())
    for mutate in (lambda d: d.update(format="keras"), lambda d: d.update(version=2),
                   lambda d: d["network"].update(type="graf"),
                   lambda d: d["network"]["layers"][0].update(activation=3),
                   lambda d: d["params"].update(w1="x"), lambda d: d.pop("network"),
                   lambda d: d["training"].update(epochs=-1), lambda d: d.update(lecture={})):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        assert not v.is_valid(bad)
