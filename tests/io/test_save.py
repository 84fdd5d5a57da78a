"""Saving: atomic, faithful (load -> save -> load gives the same network), the
model's current parameters, unknown sections kept, clear errors."""
import json
import os
import shutil

import numpy as np
import pytest

from iohelp import EXAMPLE_NAMES, EXAMPLES, example_json, mazur, same_document
from visualnn.engine import Stepper
from visualnn.engine.model import Dataset, Model, TrainingSettings
from visualnn.engine.network import compile_layered
from visualnn.io import Document, FileFormatError, SaveError, dumps, load, loads, save
from visualnn.io import saving as document_module   # where saving lives (io/saving.py)


def copy_example(name, folder):
    shutil.copy(EXAMPLES / f"{name}.json", folder / f"{name}.json")
    return folder / f"{name}.json"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_load_save_load_gives_the_same_document(name, tmp_path):
    doc = load(EXAMPLES / f"{name}.json")
    out = tmp_path / "sub" / "again.json"
    out.parent.mkdir()
    save(doc, out)
    again = load(out)
    same_document(doc, again)
    # and saving what was loaded writes the same text again
    assert dumps(again, out) == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_saved_examples_are_already_in_saved_form(name):
    # the bundled files are written the way save writes them, so re-saving one
    # changes nothing a diff would show
    path = EXAMPLES / f"{name}.json"
    doc = load(path)
    assert json.loads(dumps(doc, path)) == json.loads(path.read_text(encoding="utf-8"))


def test_unknown_sections_are_kept_verbatim(tmp_path):
    doc = mazur()
    doc["grading"] = {"rubric": [1, 2, {"deep": None}], "points": 10}
    doc["zz_notes"] = "keep me"
    src = tmp_path / "net.json"
    src.write_text(json.dumps(doc))
    d = load(src)
    assert d.extra == {"grading": {"rubric": [1, 2, {"deep": None}], "points": 10}, "zz_notes": "keep me"}
    save(d, src)
    written = json.loads(src.read_text())
    assert written["grading"] == doc["grading"] and written["zz_notes"] == "keep me"
    assert load(src).extra == d.extra


def test_save_writes_the_models_current_parameters(tmp_path):
    path = copy_example("mazur_2_2_2", tmp_path)
    doc = load(path)
    m = doc.model
    st = Stepper(m.graph, m.params, m.samples(), lr=0.5).end()    # one update
    m.params.update(st.params)
    save(doc)
    again = load(path)
    assert again.model.params["w5"] == st.params["w5"] != 0.4
    assert again.model.params == st.params


def test_inline_numbers_and_compact_form_survive_saving(tmp_path):
    path = copy_example("four_pixel_camera", tmp_path)
    doc = load(path)
    doc.model.params["w_top_left_left_white"] = 0.5
    save(doc)
    written = json.loads(path.read_text())
    assert written["network"]["layers"][0]["weights"][0] == [0.5, None, 1, None]
    assert "params" not in written            # every weight is written where the file had it
    assert load(path).model.params["w_top_left_left_white"] == 0.5

    path = copy_example("spiral", tmp_path)
    doc = load(path)
    save(doc)
    written = json.loads(path.read_text())
    assert written["network"]["sizes"] == [2, 8, 8, 1]
    assert written["data"]["generator"] == "spiral"           # not 400 samples
    assert "params" not in written                            # still the seeded random start
    doc.model.params["w_x1_h1_1"] += 0.25                     # trained, or edited: every value is written
    save(doc)
    written = json.loads(path.read_text())
    assert len(written["params"]) == len(doc.model.graph.param_names)
    assert load(path).model.params == doc.model.params


def test_edited_structure_is_written_out_in_full(tmp_path):
    doc = load(EXAMPLES / "spiral.json")
    spec = doc.model.spec
    spec.layers[0].activation = "relu"
    doc.model.graph = compile_layered(spec)
    out = tmp_path / "edited.json"
    save(doc, out)
    written = json.loads(out.read_text())
    assert "sizes" not in written["network"]
    assert written["network"]["layers"][0]["activation"] == "relu"
    same_document(doc, load(out))


def test_edited_data_is_written_inline(tmp_path):
    doc = load(EXAMPLES / "circles.json")
    doc.model.data = Dataset({k: v[:5] for k, v in doc.model.data.columns.items()}, {})
    out = tmp_path / "few.json"
    save(doc, out)
    written = json.loads(out.read_text())
    assert len(written["data"]["samples"]) == 5
    same_document(doc, load(out))


def test_new_document_from_a_model_saves_and_loads(tmp_path):
    m = load(EXAMPLES / "mazur_2_2_2.json").model
    fresh = Model("Fresh", m.graph, dict(m.params), m.spec, m.data, TrainingSettings(epochs=3), "made in the app")
    doc = Document(fresh)
    out = tmp_path / "fresh.json"
    save(doc, out)
    assert doc.path == out
    again = load(out)
    assert again.model.title == "Fresh" and again.model.params == m.params
    assert again.model.training.epochs == 3


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = copy_example("mazur_2_2_2", tmp_path)
    before = path.read_bytes()
    doc = load(path)
    doc.model.params["w1"] = 99.0

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(document_module.os, "replace", broken_replace)
    with pytest.raises(SaveError) as info:
        save(doc)
    assert str(info.value) == f"cannot save {path}: the disk is full"
    assert isinstance(info.value, OSError)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["mazur_2_2_2.json"]


def test_crash_in_the_middle_of_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = copy_example("add_mul", tmp_path)
    before = path.read_bytes()
    doc = load(path)
    real_fsync = os.fsync

    def crash(fd):
        raise KeyboardInterrupt
    monkeypatch.setattr(document_module.os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        save(doc)
    monkeypatch.setattr(document_module.os, "fsync", real_fsync)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["add_mul.json"]


def test_saving_into_a_read_only_folder_is_a_clear_error_and_changes_nothing(tmp_path, monkeypatch):
    doc = load(EXAMPLES / "add_mul.json")
    folder = tmp_path / "ro"
    folder.mkdir()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    # simulated (root may write anywhere); the real thing is tested below when not root
    monkeypatch.setattr(document_module.tempfile, "mkstemp", denied)
    with pytest.raises(SaveError) as info:
        save(doc, folder / "x.json")
    assert str(info.value) == f"cannot save {folder / 'x.json'}: the folder {folder} is not writable (permission denied)"
    assert doc.path == EXAMPLES / "add_mul.json"
    assert os.listdir(folder) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write into read-only folders")
def test_saving_into_a_read_only_folder_for_real(tmp_path):
    doc = load(EXAMPLES / "add_mul.json")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError) as info:
            save(doc, folder / "x.json")
        assert "is not writable" in str(info.value)
        assert doc.path == EXAMPLES / "add_mul.json"
    finally:
        folder.chmod(0o755)


def test_saving_a_diverged_model_refuses_before_touching_the_file(tmp_path):
    path = copy_example("mazur_2_2_2", tmp_path)
    before = path.read_bytes()
    doc = load(path)
    doc.model.params["w5"] = float("nan")
    with pytest.raises(FileFormatError) as info:
        save(doc)
    assert info.value.problems[0].place == "params.w5"
    assert "JSON cannot store it" in info.value.problems[0].message or "JSON cannot store" in info.value.problems[0].message
    assert path.read_bytes() == before


def test_saving_onto_a_symlink_or_folder_is_refused(tmp_path):
    doc = load(EXAMPLES / "add_mul.json")
    target = tmp_path / "real.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(SaveError, match="symbolic link"):
        save(doc, link)
    assert target.read_text() == "{}"
    with pytest.raises(SaveError, match="it is a folder"):
        save(doc, tmp_path)


def test_saving_keeps_the_existing_files_permissions(tmp_path):
    path = copy_example("add_mul", tmp_path)
    path.chmod(0o640)
    save(load(path))
    assert (path.stat().st_mode & 0o777) == 0o640


def test_document_without_a_path_needs_one():
    doc = loads((EXAMPLES / "add_mul.json").read_text())
    assert doc.path is None
    with pytest.raises(SaveError, match="no file name"):
        save(doc)


def test_csv_paths_are_rebased_when_saved_elsewhere_and_written_out_when_they_would_leave_the_folder(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "xor.csv").write_text("a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    doc = example_json("xor")
    doc["data"] = {"csv": "data/xor.csv", "columns": {"x1": "a", "x2": "b", "target": "label"}}
    src = tmp_path / "xor.json"
    src.write_text(json.dumps(doc))
    d = load(src)
    save(d, data_dir / "xor.json")                       # beside the CSV file: the path follows
    assert json.loads((data_dir / "xor.json").read_text())["data"]["csv"] == "xor.csv"
    # a CSV file is read only from the network file's folder (issue 16): saved elsewhere, the
    # path would lead out of it (../../data/xor.csv), so the numbers are written instead
    out_dir = tmp_path / "elsewhere" / "deeper"
    out_dir.mkdir(parents=True)
    save(d, out_dir / "xor.json")
    written = json.loads((out_dir / "xor.json").read_text())
    assert "csv" not in written["data"] and written["data"]["columns"]["target"] == [0, 1, 1, 0]
    again = load(out_dir / "xor.json")
    assert np.array_equal(again.model.data.columns["target"], [0, 1, 1, 0])


def test_dumps_and_loads_round_trip_a_lecture_and_view():
    doc = mazur()
    doc["view"] = {"layout": "layers", "colours": {"positive": "#ff8800"}}
    d = loads(json.dumps(doc))
    again = loads(dumps(d))
    same_document(d, again)
    assert again.lecture == doc["lecture"] and again.view == doc["view"]


def test_switched_output_is_saved(tmp_path):
    path = copy_example("mm_bag", tmp_path)
    doc = load(path)
    doc.use_output("cost_abs")
    save(doc)
    again = load(path)
    assert again.output == "cost_abs" and again.model.graph.outputs == ["cost_abs"]
    assert sorted(again.outputs()) == sorted(doc.outputs())
