"""The four ways a file gives its data: samples, columns, a generator, a CSV file."""
import json

import numpy as np
import pytest

from iohelp import at, example_json, problems
from visualnn.engine import datasets
from visualnn.io import FileFormatError, dumps, load, loads, read_csv


def xor_with(data):
    doc = example_json("xor")
    doc["data"] = data
    return doc


def test_samples_and_columns_give_the_same_dataset():
    a = loads(json.dumps(xor_with({"samples": [{"x1": 0, "x2": 1, "target": 1}, {"x1": 1, "x2": 1, "target": 0}]})))
    b = loads(json.dumps(xor_with({"columns": {"x1": [0, 1], "x2": [1, 1], "target": [1, 0]}})))
    for k in ("x1", "x2", "target"):
        assert np.array_equal(a.model.data.columns[k], b.model.data.columns[k])
    assert a.model.samples() == [{"x1": 0.0, "x2": 1.0, "target": 1.0}, {"x1": 1.0, "x2": 1.0, "target": 0.0}]


def test_inline_test_samples_are_held_out():
    doc = loads(json.dumps(xor_with({"samples": [{"x1": 0, "x2": 1, "target": 1}],
                                     "test_samples": [{"x1": 1, "x2": 1, "target": 0}]})))
    assert len(doc.model.data) == 1
    assert doc.model.data.test["target"].tolist() == [0.0]


def test_generator_columns_map_in_order_onto_the_networks_names():
    doc = loads(json.dumps(xor_with({"generator": "xor", "n": 8, "noise": 0.1, "seed": 4, "test_fraction": 0.25})))
    train, test = datasets.generate("xor", n=8, noise=0.1, seed=4, test_fraction=0.25)
    assert np.array_equal(doc.model.data.columns["x1"], train["x1"])
    assert np.array_equal(doc.model.data.columns["x2"], train["x2"])
    assert np.array_equal(doc.model.data.columns["target"], train["t1"])
    assert np.array_equal(doc.model.data.test["target"], test["t1"])


def test_generator_takes_its_own_settings():
    doc = loads(json.dumps(xor_with({"generator": "xor", "low": -1, "labels": [-1, 1]})))
    assert set(doc.model.data.columns["x1"]) == {-1.0, 1.0}
    assert set(doc.model.data.columns["target"]) == {-1.0, 1.0}


def test_generator_setting_of_the_wrong_shape():
    p = problems(xor_with({"generator": "xor", "labels": [0, 1, 2]}))
    assert at(p, "data.labels").message == "expected 2 numbers, got 3"


def write_xor_csv(folder, text="a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"):
    (folder / "xor.csv").write_text(text)
    doc = xor_with({"csv": "xor.csv", "columns": {"x1": "a", "x2": "b", "target": "label"}})
    path = folder / "net.json"
    path.write_text(json.dumps(doc))
    return path


def test_csv_is_read_relative_to_the_network_file(tmp_path):
    doc = load(write_xor_csv(tmp_path))
    assert doc.model.data.columns["target"].tolist() == [0, 1, 1, 0]
    assert doc.model.data.columns["x2"].tolist() == [0, 1, 0, 1]


def test_csv_with_semicolons_and_extra_columns(tmp_path):
    doc = load(write_xor_csv(tmp_path, "id;a;b;label\n1;0;0;0\n2;0;1;1\n"))
    assert doc.model.data.columns["x2"].tolist() == [0, 1]


def test_csv_test_split_is_seeded(tmp_path):
    (tmp_path / "xor.csv").write_text("a,b,label\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(20)))
    doc = xor_with({"csv": "xor.csv", "columns": {"x1": "a", "x2": "b", "target": "label"},
                    "test_fraction": 0.25, "seed": 3})
    (tmp_path / "net.json").write_text(json.dumps(doc))
    a, b = load(tmp_path / "net.json"), load(tmp_path / "net.json")
    assert len(a.model.data) == 15 and len(a.model.data.test["x1"]) == 5
    assert np.array_equal(a.model.data.test["x1"], b.model.data.test["x1"])


def test_csv_missing_column_lists_the_columns(tmp_path):
    path = write_xor_csv(tmp_path, "a,bb,label\n0,0,0\n")
    with pytest.raises(FileFormatError) as info:
        load(path)
    (p,) = info.value.problems
    assert p.file == str(tmp_path / "xor.csv")
    assert (p.place, p.message) == ("line 1", "no column named 'b'; the columns are: a, bb, label")


def test_csv_bad_number_names_line_and_column(tmp_path):
    path = write_xor_csv(tmp_path, "a,b,label\n0,0,0\n0,one,1\n1,0,nan\n")
    with pytest.raises(FileFormatError) as info:
        load(path)
    got = {(p.place, p.message) for p in info.value.problems}
    assert ("line 3, column 'b'", "expected a finite number, got 'one'") in got
    assert ("line 4, column 'label'", "expected a finite number, got 'nan'") in got


def test_csv_without_rows_or_file(tmp_path):
    path = write_xor_csv(tmp_path, "a,b,label\n")
    with pytest.raises(FileFormatError, match="expected at least one data row"):
        load(path)
    (tmp_path / "xor.csv").unlink()
    with pytest.raises(FileFormatError) as info:
        load(path)
    assert info.value.problems[0].file == str(tmp_path / "xor.csv")
    assert info.value.problems[0].message == "no such file"


def test_read_csv_directly(tmp_path):
    (tmp_path / "d.csv").write_text("x,y\n1,2\n3,4\n")
    assert {k: v.tolist() for k, v in read_csv(tmp_path / "d.csv", ["y"]).items()} == {"y": [2.0, 4.0]}


def test_csv_mapping_must_cover_every_input_and_target(tmp_path):
    (tmp_path / "xor.csv").write_text("a,b,label\n0,0,0\n")
    doc = xor_with({"csv": "xor.csv", "columns": {"x1": "a", "x3": "b"}})
    p = problems(doc)
    assert at(p, "data.columns.x3").message.startswith("no input or target named 'x3'")
    assert at(p, "data.columns").message == \
        "missing a column for x2, target; every input and target needs one"


def test_no_data_needed_for_a_graph_without_inputs():
    doc = {"format": "visualnn", "version": 1, "network": {"type": "graph", "nodes": [
        {"name": "a", "op": "param"}, {"name": "two", "op": "const", "value": 2},
        {"name": "f", "op": "mul", "inputs": ["a", "two"]}]}, "params": {"a": 3}}
    d = loads(json.dumps(doc))
    assert len(d.model.data) == 0 and d.model.params == {"a": 3.0}


# -- a CSV file stays beside the network file (issue 16) ----------------------------------------------
SECRET = "SECRET=hunter2,TOKEN=abc\n"


@pytest.mark.parametrize("rel, why", [
    ("../secret.csv", "contains '..'"),
    ("sub/../../secret.csv", "contains '..'"),
    ("/etc/passwd", "is an absolute path"),
    ("/proc/self/environ", "is an absolute path"),
    ("link.csv", "is a symbolic link"),
    ("linked/secret.csv", "'linked' is a symbolic link"),
])
def test_a_csv_path_leading_out_of_the_folder_is_refused_without_echoing_anything(tmp_path, rel, why):
    (tmp_path / "secret.csv").write_text(SECRET)
    net = tmp_path / "net"
    net.mkdir()
    (net / "sub").mkdir()
    (net / "link.csv").symlink_to(tmp_path / "secret.csv")
    (net / "linked").symlink_to(tmp_path)
    path = net / "xor.json"
    path.write_text(json.dumps(xor_with({"csv": rel, "columns": {"x1": "SECRET", "x2": "b", "target": "c"}})))
    with pytest.raises(FileFormatError) as info:
        load(path)
    (p,) = info.value.problems
    assert p.place == "data.csv" and why in p.message
    assert "hunter2" not in str(info.value) and "TOKEN" not in str(info.value)


def test_a_file_that_is_not_a_csv_is_not_quoted_in_the_message(tmp_path):
    passwd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    with pytest.raises(FileFormatError) as info:
        load(write_xor_csv(tmp_path, passwd))
    assert "/bin/bash" not in str(info.value) and "does not look like a header" in str(info.value)


def test_generated_data_with_input_features_becomes_those_inputs():

    doc = loads('{"format": "visualnn", "version": 1, "network": {"type": "layered", "sizes": [3, 1], '
                '"activations": "sigmoid", "inputs": ["x1", "x2", "x1²"], "loss": {"op": "mse"}}, '
                '"training": {"init": "random"}, '
                '"data": {"generator": "circles", "n": 10, "features": ["x1", "x2", "x1²"]}}')
    cols = doc.model.data.columns
    assert list(doc.model.spec.inputs) == ["x1", "x2", "x1²"]
    assert (cols["x1²"] == cols["x1"] ** 2).all()


def test_an_unknown_input_feature_is_named_with_the_known_ones():

    with pytest.raises(FileFormatError) as err:
        loads('{"format": "visualnn", "version": 1, "network": {"type": "layered", "sizes": [2, 1], '
              '"activations": "sigmoid", "loss": {"op": "mse"}}, "training": {"init": "random"}, '
              '"data": {"generator": "xor", "features": ["x1", "cos(x1)"]}}')
    assert "data.features[1]" in str(err.value) and "unknown input feature 'cos(x1)'" in str(err.value)


def test_inline_data_keeps_which_feature_each_input_holds():
    from visualnn.io.recipe import NetworkRecipe, new_document
    doc = new_document(NetworkRecipe(dataset="circles", samples=6, features=["x1", "x2", "sin(x1)"]))
    doc.model.data.columns = {k: v[:5] for k, v in doc.model.data.columns.items()}    # edited: saved inline
    text = dumps(doc)
    assert '"samples"' in text and '"features": [' in text
    assert loads(text).model.features == ["x1", "x2", "sin(x1)"]
