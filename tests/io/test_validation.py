"""Every kind of mistake in a network file is reported at its place, saying what
was expected: one test per kind.  Places read like ``network.layers[1].weights[0][2]``."""
import json

import pytest

from iohelp import at, graph_doc, mazur, problems
from visualnn.io import FileFormatError, loads
from visualnn.io import network_common, network_graph

ADD_MUL_NODES = [{"name": "x", "op": "input"}, {"name": "y", "op": "input"}, {"name": "z", "op": "input"},
                 {"name": "q", "op": "add", "inputs": ["x", "y"]}, {"name": "f", "op": "mul", "inputs": ["q", "z"]}]
ADD_MUL_DATA = {"samples": [{"x": -2, "y": 5, "z": -4}]}


def add_mul(**changes):
    nodes = json.loads(json.dumps(ADD_MUL_NODES))
    doc = graph_doc(nodes, data=json.loads(json.dumps(ADD_MUL_DATA)))
    doc.update(changes)
    return doc


# --- the file as a whole --------------------------------------------------------------
def test_invalid_json_names_line_and_column():
    text = '{\n  "format": "visualnn",\n  "version": 1\n  "title": "x"\n}'
    p = problems(text)
    assert len(p) == 1
    assert p[0].place == "line 4, column 3"
    assert p[0].message.startswith("not valid JSON: Expecting ',' delimiter")
    assert p[0].file == "net.json"


def test_empty_file_says_it_is_empty():
    p = problems("   \n")
    assert p[0].message == "the file is empty; expected a JSON object"


def test_top_level_must_be_an_object():
    p = problems("[1, 2]")
    assert "expected a JSON object" in p[0].message and "a list of 2 items" in p[0].message


def test_wrong_format_name_is_reported_and_stops():
    doc = mazur()
    doc["format"] = "keras"
    doc["network"] = 5                                  # not examined: this is not our file
    p = problems(doc)
    assert [x.place for x in p] == ["format"]
    assert 'expected "visualnn", got the text "keras"' in p[0].message


def test_missing_format_asks_whether_this_is_a_visualnn_file():
    doc = mazur()
    del doc["format"]
    assert "is this a visualnn network file?" in at(problems(doc), "format").message


def test_newer_version_says_so():
    doc = mazur()
    doc["version"] = 2
    msg = at(problems(doc), "version").message
    assert msg == "this file is version 2, written by a newer visualnn; this version reads version 1"


def test_wrong_version_type():
    doc = mazur()
    doc["version"] = "1"
    assert at(problems(doc), "version").message == 'expected 1, got the text "1"'


def test_every_problem_is_reported_not_just_the_first():
    doc = mazur()
    doc["params"]["w1"] = "heavy"
    doc["network"]["layers"][1]["activation"] = "sigmod"
    doc["training"]["learning_rate"] = -1
    doc["data"]["samples"][0]["i3"] = 0.5
    p = problems(doc)
    places = {x.place for x in p}
    assert {"params.w1", "network.layers[1].activation", "training.learning_rate",
            "data.samples[0].i3"} <= places


def test_error_text_is_one_line_per_problem_file_place_message():
    doc = mazur()
    doc["params"]["w1"] = "heavy"
    doc["training"]["epochs"] = 1.5
    with pytest.raises(FileFormatError) as info:
        loads(json.dumps(doc), source="lecture.json")
    lines = str(info.value).splitlines()
    assert "lecture.json: params.w1: expected a number (the value of parameter 'w1'), got the text \"heavy\"" in lines
    assert "lecture.json: training.epochs: expected a number of epochs (a whole number), got 1.5" in lines
    assert isinstance(info.value, ValueError)


# --- numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_are_refused_at_their_place(token):
    text = json.dumps(mazur()).replace('"w1": 0.15', f'"w1": {token}')
    p = at(problems(text), "params.w1")
    assert p.message.startswith(f"expected a finite number, got {token}")


def test_non_finite_number_in_data_is_refused():
    text = json.dumps(mazur()).replace('"i2": 0.1', '"i2": NaN')
    assert at(problems(text), "data.samples[0].i2").message.startswith("expected a finite number, got NaN")


def test_integer_too_long_for_a_float_is_refused_without_crashing():
    text = json.dumps(mazur()).replace('"epochs": 10000', '"epochs": ' + "9" * 5000)
    msg = at(problems(text), "training.epochs").message
    assert msg.startswith("expected a finite number, got 99999999999999999999...(5000 digits)")


def test_booleans_are_not_numbers():
    doc = mazur()
    doc["params"]["w2"] = True
    assert at(problems(doc), "params.w2").message.endswith("got true")


# --- names ---------------------------------------------------------------------------------
def test_duplicate_node_names():
    doc = add_mul()
    doc["network"]["nodes"][4]["name"] = "q"
    msg = at(problems(doc), "network.nodes[4].name").message
    assert msg == "duplicate node name 'q' (also network.nodes[3]); every node needs its own name"


def test_duplicate_json_keys_are_reported():
    text = json.dumps(mazur()).replace('"w1": 0.15,', '"w1": 0.15, "w1": 0.16,')
    msg = at(problems(text), "params.w1").message
    assert "appears more than once" in msg


def test_duplicate_neuron_names_in_a_layered_network():
    doc = mazur()
    doc["network"]["layers"][1]["neurons"] = ["h1", "o2"]
    msg = at(problems(doc), "network.layers[1].neurons[0]").message
    assert "'h1' is already used (network.layers[0].neurons[0])" in msg


def test_name_clash_with_a_generated_node_name():
    doc = mazur()
    doc["network"]["inputs"] = ["net_h1", "i2"]
    for s in doc["data"]["samples"]:
        s["net_h1"] = s.pop("i1")
    msg = at(problems(doc), "network.layers[0].neurons[0]").message
    assert "'net_h1' is already used (network.inputs[0])" in msg


def test_parameter_named_like_a_node():
    doc = mazur()
    doc["network"]["layers"][0]["weights"][0][0] = "i1"
    msg = at(problems(doc), "network.layers[0].weights[0][0]").message
    assert msg == "the parameter 'i1' has the same name as network.inputs[0]; parameters need their own names"


def test_empty_or_spaced_names_are_refused():
    doc = add_mul()
    doc["network"]["nodes"][0]["name"] = ""
    doc["network"]["nodes"][1]["name"] = " y"
    p = problems(doc)
    assert at(p, "network.nodes[0].name").message == "expected a node name, got an empty name"
    assert "starts or ends with a space" in at(p, "network.nodes[1].name").message


# --- expression graphs -------------------------------------------------------------------------
def test_unknown_op_lists_the_known_ones():
    doc = add_mul()
    doc["network"]["nodes"][4]["op"] = "mull"
    msg = at(problems(doc), "network.nodes[4].op").message
    assert msg.startswith("unknown op 'mull' (did you mean 'mul'?); known ops: add, abs,") or \
        msg.startswith("unknown op 'mull' (did you mean 'mul'?); known ops: ")
    for op in ("add", "sigmoid", "weighted_sum", "squared_error", "exp_base"):
        assert op in msg
    assert "leaves: input, target, param, const" in msg


def test_dangling_input_name():
    doc = add_mul()
    doc["network"]["nodes"][4]["inputs"] = ["q", "zz"]
    msg = at(problems(doc), "network.nodes[4].inputs[1]").message
    assert msg == "no node named 'zz' (did you mean 'z'?); every input must be the name of a node"


def test_cycle_is_shown_as_a_path():
    doc = add_mul()
    doc["network"]["nodes"][3]["inputs"] = ["x", "f"]
    msg = at(problems(doc), "network.nodes").message
    assert msg == "the graph has a cycle: q -> f -> q; a node cannot depend on its own value"


def test_self_loop_is_a_cycle():
    doc = add_mul()
    doc["network"]["nodes"][3]["inputs"] = ["x", "q"]
    assert "cycle: q -> q" in at(problems(doc), "network.nodes").message


def test_wrong_number_of_inputs_for_an_op():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "s", "op": "sub", "inputs": ["x", "y", "z"]})
    assert at(problems(doc), "network.nodes[5].inputs").message == "op sub takes 2 inputs, got 3"


def test_loss_with_odd_number_of_inputs():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "L", "op": "mse", "inputs": ["x", "y", "z"]})
    assert "even number of inputs, got 3" in at(problems(doc), "network.nodes[5].inputs").message


def test_unknown_op_setting():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "n", "op": "mul_const", "inputs": ["f"], "attrs": {"d": -1}})
    msg = at(problems(doc), "network.nodes[5].attrs.d").message
    assert msg == "mul_const has no setting 'd'; it takes c"


def test_op_setting_of_wrong_type():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "n", "op": "mul_const", "inputs": ["f"], "attrs": {"c": "minus one"}})
    assert at(problems(doc), "network.nodes[5].attrs.c").message == \
        'expected a number for c, got the text "minus one"'


def test_exp_base_must_be_positive():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "n", "op": "exp_base", "inputs": ["f"], "attrs": {"base": -10}})
    assert at(problems(doc), "network.nodes[5].attrs.base").message == "expected a base above 0, got -10"


def test_const_needs_a_value_and_leaves_take_no_inputs():
    doc = add_mul()
    doc["network"]["nodes"].append({"name": "c", "op": "const"})
    doc["network"]["nodes"].append({"name": "p", "op": "input", "inputs": ["x"]})
    p = problems(doc)
    assert at(p, "network.nodes[5].value").message == "missing; a const node needs a value (a number)"
    assert at(p, "network.nodes[6].inputs").message == "a input leaf takes no inputs"


def test_weights_only_on_weighted_sum():
    doc = add_mul()
    doc["network"]["nodes"][3]["weights"] = ["a", "b"]
    assert at(problems(doc), "network.nodes[3].weights").message == \
        "op add takes no edge weights (only weighted_sum does)"


def test_output_must_name_a_node():
    doc = add_mul()
    doc["network"]["output"] = "g"
    assert at(problems(doc), "network.output").message == "no node named 'g'"


def test_unknown_network_type():
    doc = add_mul()
    doc["network"]["type"] = "graf"
    assert at(problems(doc), "network.type").message.startswith("unknown network type 'graf' (did you mean 'graph'?)")


def test_graph_over_the_node_limit_is_refused(monkeypatch):
    monkeypatch.setattr(network_graph, "MAX_NODES", 4)
    msg = at(problems(add_mul()), "network.nodes").message
    assert msg == "5 nodes; at most 4 nodes are allowed (the documented limit)"


# --- layered networks --------------------------------------------------------------------------
def test_wrong_number_of_weight_rows():
    doc = mazur()
    doc["network"]["layers"][1]["weights"].append(["w9", "w10"])
    msg = at(problems(doc), "network.layers[1].weights").message
    assert msg == "expected 2 rows (one per neuron: o1, o2), got 3"


def test_wrong_row_length():
    doc = mazur()
    doc["network"]["layers"][1]["weights"][0] = ["w5", "w6", "w9"]
    msg = at(problems(doc), "network.layers[1].weights[0]").message
    assert msg == "expected 2 entries (one per input of neuron 'o1': h1, h2), got 3"


def test_wrong_number_of_biases():
    doc = mazur()
    doc["network"]["layers"][0]["biases"] = ["b1"]
    assert at(problems(doc), "network.layers[0].biases").message == \
        "expected 2 entries (one per neuron: h1, h2), got 1"


def test_weight_of_wrong_type():
    doc = mazur()
    doc["network"]["layers"][0]["weights"][0][1] = True
    msg = at(problems(doc), "network.layers[0].weights[0][1]").message
    assert msg == "expected a weight: a parameter name, a number or null (no connection), got true"


def test_unknown_activation_lists_the_known_ones():
    doc = mazur()
    doc["network"]["layers"][0]["activation"] = "sigmod"
    msg = at(problems(doc), "network.layers[0].activation").message
    assert msg.startswith("unknown activation 'sigmod' (did you mean 'sigmoid'?); known: sigmoid, tanh, relu")


def test_unknown_loss():
    doc = mazur()
    doc["network"]["loss"]["op"] = "squared"
    msg = at(problems(doc), "network.loss.op").message
    assert msg.startswith("unknown loss 'squared' (did you mean 'squared_error'?)")


def test_wrong_number_of_targets():
    doc = mazur()
    doc["network"]["loss"]["targets"] = ["target_o1"]
    assert at(problems(doc), "network.loss.targets").message == \
        "expected 2 targets (one per output neuron: o1, o2), got 1"


def test_unknown_key_suggests_the_right_one():
    doc = mazur()
    doc["network"]["layers"][0]["neuron"] = doc["network"]["layers"][0].pop("neurons")
    p = problems(doc)
    assert at(p, "network.layers[0].neuron").message.startswith("unknown key 'neuron' (did you mean 'neurons'?)")
    assert at(p, "network.layers[0].neurons").message == "missing; this key is required"


def test_neuron_without_any_connection():
    doc = mazur()
    doc["network"]["layers"][0]["weights"][1] = [None, None]
    doc["network"]["layers"][0]["biases"] = ["b1", None]
    doc["params"] = {k: v for k, v in doc["params"].items() if k not in ("w3", "w4")}
    msg = at(problems(doc), "network.layers[0].weights[1]").message
    assert msg == "neuron 'h2' has no connections and no bias; give it at least one weight or a bias"


def test_compact_network_over_the_weight_limit_is_refused_without_building_it():
    doc = {"format": "visualnn", "version": 1, "network": {
        "type": "layered", "sizes": [2, 100000, 100000, 1], "activations": "tanh"}}
    msg = at(problems(doc), "network.sizes").message
    assert msg == ("the network has 200,001 neurons (400,006 graph nodes) and 10,000,300,000 weights; at most "
                   "20,000 graph nodes and 100,000 weights are allowed (the documented limits)")


def test_explicit_layers_over_the_weight_limit_are_refused(monkeypatch):
    monkeypatch.setattr(network_common, "MAX_WEIGHTS", 7)
    msg = at(problems(mazur()), "network").message
    assert msg == ("the network has 4 neurons (13 graph nodes) and 8 weights; at most 20,000 graph nodes "
                   "and 7 weights are allowed (the documented limits)")


def test_compact_sizes_must_be_whole_positive_numbers():
    doc = {"format": "visualnn", "version": 1, "network": {
        "type": "layered", "sizes": [2, 0, 1.5], "activations": "tanh"}}
    p = problems(doc)
    assert at(p, "network.sizes[1]").message == "expected a layer size of at least 1, got 0"
    assert at(p, "network.sizes[2]").message == "expected a layer size (a whole number), got 1.5"


# --- parameters ------------------------------------------------------------------------------
def test_missing_parameter_value():
    doc = mazur()
    del doc["params"]["w3"]
    msg = at(problems(doc), "params").message
    assert msg.startswith("missing a value for parameter 'w3' (used at network.layers[0].weights[1][0])")
    assert '"init": "random"' in msg


def test_parameter_the_network_does_not_have():
    doc = mazur()
    doc["params"]["w9"] = 1.0
    msg = at(problems(doc), "params.w9").message
    assert msg.startswith("the network has no parameter named 'w9'")
    assert "its parameters are: w1, w2" in msg


def test_inline_weight_given_twice():
    doc = mazur()
    doc["network"]["layers"][0]["weights"][0][0] = 0.15
    doc["params"]["w_i1_h1"] = 0.15
    del doc["params"]["w1"]
    msg = at(problems(doc), "params.w_i1_h1").message
    assert msg == "parameter 'w_i1_h1' is given twice: here and as a number at network.layers[0].weights[0][0]"


# --- data -------------------------------------------------------------------------------------
def test_missing_data_for_a_network_with_inputs():
    doc = mazur()
    del doc["data"]
    assert at(problems(doc), "data").message.startswith("missing; the network has inputs or targets (i1, i2, ")


def test_sample_missing_a_value_and_an_unknown_name():
    doc = mazur()
    s = doc["data"]["samples"][0]
    s["i3"] = s.pop("i2")
    p = problems(doc)
    assert at(p, "data.samples[0].i3").message == \
        "no input or target named 'i3'; the network's inputs and targets are: i1, i2, target_o1, target_o2"
    assert at(p, "data.samples[0]").message == \
        "missing a value for i2; every sample needs every input and target"


def test_columns_of_different_lengths():
    doc = add_mul(data={"columns": {"x": [1, 2], "y": [1, 2], "z": [1, 2, 3]}})
    assert at(problems(doc), "data.columns.z").message == "expected 2 values, as many as 'x' has, got 3"


def test_data_given_two_ways():
    doc = add_mul(data={"samples": [{"x": 1, "y": 1, "z": 1}], "generator": "xor"})
    assert at(problems(doc), "data").message == "give the data one way, not samples and generator"


def test_unknown_generator():
    doc = mazur()
    doc["data"] = {"generator": "spirals"}
    msg = at(problems(doc), "data.generator").message
    assert msg.startswith("unknown data generator 'spirals' (did you mean 'spiral'?); known: xor, and, or")


def test_generator_shape_must_match_the_network():
    doc = mazur()
    doc["data"] = {"generator": "xor"}
    msg = at(problems(doc), "data.generator").message
    assert msg == ("the 'xor' data has 2 input(s) and 1 target(s); the network has 2 input(s) (i1, i2) and "
                   "2 target(s) (target_o1, target_o2)")


def test_generator_settings_are_checked():
    doc = {"format": "visualnn", "version": 1, "network": {
        "type": "layered", "sizes": [2, 1], "activations": "sigmoid", "loss": {"op": "mse"}},
        "data": {"generator": "spiral", "n": 0, "noise": -1, "turn": 2}, "training": {"init": "random"}}
    p = problems(doc)
    assert at(p, "data.n").message == "expected a number of samples of at least 1, got 0"
    assert at(p, "data.noise").message == "expected a noise level of at least 0, got -1"
    assert at(p, "data.turn").message.startswith("unknown key 'turn' (did you mean 'turns'?)")


def test_too_many_generated_samples_are_refused():
    doc = {"format": "visualnn", "version": 1, "network": {
        "type": "layered", "sizes": [2, 1], "activations": "sigmoid", "loss": {"op": "mse"}},
        "data": {"generator": "circles", "n": 10 ** 9}, "training": {"init": "random"}}
    assert at(problems(doc), "data.n").message == ("1,000,000,000 samples; at most 100,000 samples are allowed "
                                                   "(the documented limit)")


# --- training, lecture, view -----------------------------------------------------------------------
def test_unknown_optimizer():
    doc = mazur()
    doc["training"]["optimizer"] = "adamx"          # adamw is an optimizer now (issue 12)
    assert at(problems(doc), "training.optimizer").message.startswith("unknown optimizer 'adamx' (did you mean 'adam'?)")


def test_optimizer_setting_for_another_optimizer():
    doc = mazur()
    doc["training"]["beta1"] = 0.9
    msg = at(problems(doc), "training.beta1").message
    assert msg.startswith("unknown training setting 'beta1' for optimizer sgd (beta1 belongs to adam, adamw)")


def test_unknown_init():
    doc = mazur()
    doc["training"]["init"] = "xavier"
    assert "unknown start" in at(problems(doc), "training.init").message


def test_lecture_must_be_a_list_of_slides():
    doc = mazur()
    doc["lecture"] = [{"title": "ok"}, "not a slide"]
    assert at(problems(doc), "lecture[1]").message == 'expected a slide (an object), got the text "not a slide"'
    doc["lecture"] = {"title": "x"}
    assert at(problems(doc), "lecture").message == "expected a list of slides (objects), got an object"


def test_view_must_be_an_object():
    doc = mazur()
    doc["view"] = [1]
    assert at(problems(doc), "view").message == "expected an object of view settings, got a list of 1 item"


def test_missing_network_points_at_a_misspelt_section():
    doc = mazur()
    doc["netwrok"] = doc.pop("network")
    msg = at(problems(doc), "network").message
    assert msg == "missing; a file needs a \"network\" section (there is a section 'netwrok': a typo?)"


def test_title_must_be_text():
    doc = mazur()
    doc["title"] = 3
    assert at(problems(doc), "title").message == "expected a title (text), got the number 3"


def test_deep_nesting_is_refused():
    doc = mazur()
    v = []
    for _ in range(150):
        v = [v]
    doc["view"] = {"deep": v}
    assert "nested too deeply" in problems(doc)[0].message


def test_extremely_deep_nesting_does_not_overflow():
    text = json.dumps(mazur())[:-1] + ', "x": ' + "[" * 100000 + "]" * 100000 + "}"
    p = problems(text)
    assert "nested too deeply" in p[0].message
