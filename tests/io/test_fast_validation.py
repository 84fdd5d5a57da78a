"""Validation of a big file takes its shortcuts without changing a verdict: a
name Python calls printable holds no refused character, and a params section
of plain numbers is read as the per-value checks would read it."""
import sys
import unicodedata

import pytest

from visualnn.io import FileFormatError, loads
from visualnn.io.checks import REFUSED_CATEGORIES, unprintable


def test_no_character_python_calls_printable_is_one_a_name_may_not_hold():
    refused = [c for c in map(chr, range(sys.maxunicode + 1))
               if c.isprintable() and unicodedata.category(c) in REFUSED_CATEGORIES]
    assert refused == []


@pytest.mark.parametrize("name,at", [("w\u202e1", 1), ("\u00a0w", None), ("w\u200b", 1), ("ab\u2028", 2)])
def test_a_name_with_a_character_outside_the_shortcut_is_still_checked_one_by_one(name, at):
    bad = unprintable(name)
    assert (bad[0] if bad else None) == at


def _doc(params: str) -> str:
    return ('{"format": "visualnn", "version": 1, "network": {"type": "layered", "inputs": ["x"], '
            '"layers": [{"neurons": ["y"], "activation": "identity", "weights": [["w"]], "biases": ["b"]}], '
            '"loss": null}, "params": ' + params + ', "data": {"samples": [{"x": 1}]}}')


def test_plain_number_params_load_as_floats_and_the_others_keep_their_messages():
    doc = loads(_doc('{"w": 0.5, "b": 2}'))
    assert doc.model.params == {"w": 0.5, "b": 2.0} and all(type(v) is float for v in doc.model.params.values())
    frozen = loads(_doc('{"w": {"value": 0.25, "trainable": false}, "b": -1.5}'))
    assert frozen.model.params == {"w": 0.25, "b": -1.5} and frozen.model.graph.frozen == {"w"}
    with pytest.raises(FileFormatError) as err:
        loads(_doc('{"w": "0.5", "b": true}'))
    text = str(err.value)
    assert "params.w: expected a number (the value of parameter 'w'), got the text \"0.5\"" in text
    assert "params.b: expected a number (the value of parameter 'b'), got true" in text


def test_one_bad_number_among_many_plain_ones_is_still_reported_at_its_place():
    params = ", ".join(f'"p{k}": {k / 7}' for k in range(5000))
    with pytest.raises(FileFormatError) as err:
        loads(_doc('{"w": 0.5, "b": NaN, ' + params + "}"))
    assert "params.b: expected a finite number, got NaN" in str(err.value)


def test_a_parameter_given_twice_or_unknown_or_missing_keeps_its_message():
    inline = _doc('{"b": 1}').replace('[["w"]]', "[[0.5]]")
    twice = inline.replace('{"b": 1}', '{"b": 1, "w_x_y": 2, "zz": 3}')
    with pytest.raises(FileFormatError) as err:
        loads(twice)
    text = str(err.value)
    assert "params.w_x_y: parameter 'w_x_y' is given twice: here and as a number at network.layers[0].weights[0][0]" \
        in text
    assert "params.zz: the network has no parameter named 'zz'" in text
    with pytest.raises(FileFormatError) as err:
        loads(_doc('{"w": 0.5}'))
    assert "missing a value for parameter 'b' (used at network.layers[0].biases[0])" in str(err.value)


@pytest.mark.parametrize("name,says", [("", "got an empty name"), ("   ", "got an empty name"),
                                       (" w", "starts or ends with a space"), ("w\u00a0", "starts or ends with a space"),
                                       ("w\u202e", "RIGHT-TO-LEFT OVERRIDE"), ("w" * 10_000, "characters long"),
                                       (5, "expected a name (a text string), got the number 5")])
def test_a_name_the_shortcut_does_not_take_gets_its_message(name, says):
    from visualnn.io.checks import Checker
    from visualnn.io.errors import Problems
    problems = Problems("f.json")
    assert Checker(problems).name(name, "here") is None
    assert says in str(problems.items[0].message)


def test_an_ordinary_name_is_taken_as_it_is():
    from visualnn.io.checks import Checker
    from visualnn.io.errors import Problems
    problems = Problems("f.json")
    assert [Checker(problems).name(n, "here") for n in ("w1", "a b", "ω₁", "x" * 64)] == ["w1", "a b", "ω₁", "x" * 64]
    assert not problems
