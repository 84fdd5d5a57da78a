"""The ``network`` section's layered network, explicit (``layers``) or compact (``sizes``).

Reading checks the declaration completely (every problem, with its place), names the
inline parameters, then compiles the engine graph.
"""
from __future__ import annotations

from ..engine.graph import GraphError
from ..engine.network import Layer, LayeredSpec, auto_names, compile_layered, net_name, out_name
from ..engine.ops import LAYER_LOSSES, OPS
from .checks import Checker, is_number, listing
from .jsontext import describe, join
from .network_common import (
    COMPACT_KEYS,
    GATE_CHECK_WEIGHTS,
    LAYER_ACTIVATIONS,
    LAYER_KEYS,
    LAYERED_KEYS,
    LOSS_KEYS,
    NetworkInfo,
    check_attrs,
    names_list,
    within_limits,
)


def read_layered(ck: Checker, decl: dict, place: str) -> NetworkInfo | None:
    if "sizes" in decl:
        return _read_compact(ck, decl, place)
    before = ck.failures
    ck.keys(decl, place, LAYERED_KEYS, required=("inputs", "layers"))
    inputs = names_list(ck, decl.get("inputs"), join(place, "inputs"), "input") if "inputs" in decl else None
    layers_raw = ck.lst(decl.get("layers"), join(place, "layers"), "a list of layers") if "layers" in decl else None
    if layers_raw is not None and not layers_raw:
        ck.add(join(place, "layers"), "expected at least one layer, got an empty list")
        layers_raw = None
    if inputs is None or layers_raw is None:
        _read_loss(ck, decl, place, None)
        return None
    total_w = _explicit_weights(ck, place, inputs, layers_raw)
    if total_w is None:
        return None
    names: dict[str, str] = {n: f"{place}.inputs[{k}]" for k, n in enumerate(inputs)}
    layers: list[Layer] = []
    entries: list[tuple] = []                        # (value, path, place, src, neuron, kind)
    prev: list[str] | None = list(inputs)
    for l, L in enumerate(layers_raw):
        got = _read_layer(ck, f"{place}.layers[{l}]", l, L, prev, names, entries)
        if got is None:
            prev = None
            continue
        layer, has_activation = got
        layers.append(layer)
        prev = list(layer.neurons) if has_activation else None
    loss = _read_loss(ck, decl, place, layers[-1].neurons if layers and len(layers) == len(layers_raw) else None)
    if loss:
        _claim_loss_names(ck, place, loss, names)
    explicit: dict[str, str] = {}
    if ck.failures > before or len(layers) != len(layers_raw):
        _check_entries(ck, entries, names, explicit)
        return None
    # explicit parameter names first, so automatic names never take one
    _check_entries(ck, entries, names, explicit)
    if ck.failures > before:
        return None
    info = NetworkInfo("layered")
    _name_parameters(info, layers, entries, set(names) | set(explicit))
    for l, layer in enumerate(layers):
        for j, n in enumerate(layer.neurons):
            if all(w is None for w in layer.weights[j]) and layer.biases[j] is None:
                ck.add(f"{place}.layers[{l}].weights[{j}]", f"neuron {n!r} has no connections and no bias; "
                                                            f"give it at least one weight or a bias")
    if ck.failures > before:
        return None
    return _compile(ck, _spec(inputs, layers, loss), place, info, total_w)


def _explicit_weights(ck: Checker, place: str, inputs: list[str], layers_raw: list) -> int | None:
    """The number of weights, or None (with the problem) when the network is over the limits:
    sizes first, so a huge network is refused before anything is built."""
    total_w, total_n, prev_n = 0, len(inputs), len(inputs)
    for L in layers_raw:
        if isinstance(L, dict) and isinstance(L.get("neurons"), list):
            total_n += len(L["neurons"])
            total_w += len(L["neurons"]) * prev_n
            prev_n = len(L["neurons"])
    if not within_limits(ck, place, len(inputs), total_n - len(inputs), prev_n, total_w):
        return None
    return total_w


def _read_layer(ck: Checker, p: str, l: int, L, prev: list[str] | None, names: dict[str, str],
                entries: list[tuple]) -> tuple[Layer, bool] | None:
    """One layer, its weights and biases left to name (their entries go to ``entries``);
    and whether its activation was read (later layers take its neurons as inputs only then)."""
    L = ck.obj(L, p, "a layer (an object with neurons, activation, weights)")
    if L is None:
        return None
    ck.keys(L, p, LAYER_KEYS, required=("neurons", "activation", "weights"))
    neurons = names_list(ck, L.get("neurons"), join(p, "neurons"), "neuron") if "neurons" in L else None
    act = None
    if "activation" in L:
        act = ck.choice(L["activation"], join(p, "activation"), LAYER_ACTIVATIONS, "activation")
    attrs = {}
    if "attrs" in L and act is not None:
        attrs = check_attrs(ck, L["attrs"], join(p, "attrs"), act, len(neurons or [])) or {}
        if act == "softmax" and attrs:
            ck.add(join(p, "attrs"), "a softmax layer takes no settings")
    if neurons is None:
        return None
    _claim_neuron_names(ck, p, neurons, names)
    weights: list[list] = [[None] * (len(prev) if prev else 0) for _ in neurons]
    if "weights" in L and prev is not None:
        rows = _per_neuron(ck, L["weights"], join(p, "weights"), neurons, "rows",
                           f"a matrix: {len(neurons)} rows (one per neuron)")
        for j, row in enumerate(rows or []):
            q = f"{p}.weights[{j}]"
            row = ck.lst(row, q, f"a row of {len(prev)} weights (one per input)")
            if row is None:
                continue
            if len(row) != len(prev):
                ck.add(q, f"expected {len(prev)} entries (one per input of neuron {neurons[j]!r}: "
                          f"{listing(prev, 6)}), got {len(row)}")
            for i, w in enumerate(row[:len(prev)]):
                entries.append((w, ("layers", l, "weights", j, i), f"{q}[{i}]", prev[i], neurons[j], "w"))
    if "biases" in L:
        B = _per_neuron(ck, L["biases"], join(p, "biases"), neurons, "entries",
                        f"a list of {len(neurons)} biases (one per neuron)")
        for j, b in enumerate(B or []):
            entries.append((b, ("layers", l, "biases", j), f"{p}.biases[{j}]", None, neurons[j], "b"))
    return Layer(list(neurons), act or "linear", weights, [None] * len(neurons), attrs), act is not None


def _per_neuron(ck: Checker, raw, where: str, neurons: list[str], unit: str, expected: str) -> list | None:
    """A list with one item per neuron (weight rows or biases), cut to the neurons there are."""
    got = ck.lst(raw, where, expected)
    if got is None:
        return None
    if len(got) != len(neurons):
        ck.add(where, f"expected {len(neurons)} {unit} (one per neuron: {listing(neurons, 6)}), got {len(got)}")
    return got[:len(neurons)]


def _claim_neuron_names(ck: Checker, p: str, neurons: list[str], names: dict[str, str]) -> None:
    """A neuron's three graph nodes (it, its weighted sum, its output) take their names."""
    for k, n in enumerate(neurons):
        for node in (n, net_name(n), out_name(n)):
            if node in names:
                ck.add(f"{p}.neurons[{k}]", f"the name {node!r} is already used ({names[node]}); "
                                            f"every input, neuron, target and the loss need their own names")
        names.setdefault(n, f"{p}.neurons[{k}]")
        names.setdefault(net_name(n), f"{p}.neurons[{k}] (its weighted sum)")
        names.setdefault(out_name(n), f"{p}.neurons[{k}] (its output)")


def _claim_loss_names(ck: Checker, place: str, loss: dict, names: dict[str, str]) -> None:
    for k, t in enumerate(loss["targets"]):
        if t in names:
            ck.add(f"{place}.loss.targets[{k}]", f"the name {t!r} is already used ({names[t]})")
        names.setdefault(t, f"{place}.loss.targets[{k}]")
    if loss["name"] in names:
        ck.add(f"{place}.loss.name", f"the name {loss['name']!r} is already used ({names[loss['name']]})")


def _name_parameters(info: NetworkInfo, layers: list[Layer], entries: list[tuple], taken: set[str]) -> None:
    """Each weight and bias gets its parameter: the name written, or an automatic
    ``w_<input>_<neuron>`` / ``b_<neuron>`` (numbered when taken) holding the inline number."""
    for w, path, q, src, neuron, kind in entries:
        l, j = path[1], path[3]
        if w is None:
            continue
        frozen_here = isinstance(w, dict) and w.get("trainable") is False
        if isinstance(w, dict):                 # {"value": -30, "trainable": false}
            w = w["value"]
        if isinstance(w, str):
            pname = w
            info.param_places.setdefault(pname, q)
        else:
            base = f"w_{src}_{neuron}" if kind == "w" else f"b_{neuron}"
            pname, k = base, 2
            while pname in taken:
                pname, k = f"{base}_{k}", k + 1
            taken.add(pname)
            info.inline[pname] = (float(w), path)
            info.param_places[pname] = q
            if frozen_here:
                info.frozen.add(pname)
        if kind == "w":
            layers[l].weights[j][path[4]] = pname
        else:
            layers[l].biases[j] = pname


def _spec(inputs: list[str], layers: list[Layer], loss: dict | None) -> LayeredSpec:
    return LayeredSpec(list(inputs), layers, loss["op"] if loss else None, loss["targets"] if loss else [],
                       loss["name"] if loss else "loss", loss["attrs"] if loss else {})


def _check_entries(ck: Checker, entries, names: dict, explicit: dict) -> None:
    for w, _path, q, _src, _neuron, kind in entries:
        if w is None or ck._skip(w):
            continue
        if isinstance(w, str):
            s = ck.name(w, q, "a parameter name")
            if s is not None and s in names:
                ck.add(q, f"the parameter {s!r} has the same name as {names[s]}; parameters need their own names")
            elif s is not None:
                explicit.setdefault(s, q)
        elif isinstance(w, dict):
            ck.keys(w, q, ("value", "trainable"), required=("value",))
            if "value" in w and not is_number(w["value"]) and not ck._skip(w["value"]):
                ck.add(join(q, "value"), f"expected a number, got {describe(w['value'])}")
            if "trainable" in w:
                ck.boolean(w["trainable"], join(q, "trainable"), "true or false (false: training never changes it)")
        elif not is_number(w):
            what = "a weight: a parameter name, a number or null (no connection)" if kind == "w" else \
                "a bias: a parameter name, a number or null (no bias)"
            ck.add(q, f"expected {what}, got {describe(w)}")


def _read_loss(ck: Checker, decl: dict, place: str, outputs: list[str] | None) -> dict | None:
    if "loss" not in decl or decl["loss"] is None:
        return None
    p = join(place, "loss")
    L = ck.obj(decl["loss"], p, "an object with the loss op (or null for no loss)")
    if L is None:
        return None
    ck.keys(L, p, LOSS_KEYS, required=("op",))
    op = ck.choice(L["op"], join(p, "op"), LAYER_LOSSES, "loss") if "op" in L else None
    name = ck.name(L["name"], join(p, "name"), "the loss node's name") if "name" in L else "loss"
    attrs: dict | None = {}
    if "attrs" in L and op is not None:
        attrs = check_attrs(ck, L["attrs"], join(p, "attrs"), op, None)
    if outputs is None:
        return None
    one_class = op is not None and OPS[op].targets == 1
    if "targets" in L:
        targets = names_list(ck, L["targets"], join(p, "targets"), "target")
        if targets is not None and one_class and len(targets) != 1:
            ck.add(join(p, "targets"), f"expected 1 target (the class number 0..{len(outputs) - 1}), "
                                       f"got {len(targets)}")
            targets = None
        elif targets is not None and not one_class and len(targets) != len(outputs):
            ck.add(join(p, "targets"), f"expected {len(outputs)} targets (one per output neuron: "
                                       f"{listing(outputs, 6)}), got {len(targets)}")
            targets = None
    else:
        targets = ["target_class"] if one_class else [f"target_{o}" for o in outputs]
    if op is None or name is None or targets is None or attrs is None:
        return None
    return {"op": op, "name": name, "targets": targets, "attrs": attrs}




def _read_compact(ck: Checker, decl: dict, place: str) -> NetworkInfo | None:
    before = ck.failures
    ck.keys(decl, place, COMPACT_KEYS, required=("sizes", "activations"))
    sizes = _read_sizes(ck, decl["sizes"], join(place, "sizes"))
    acts = _read_activations(ck, decl["activations"], join(place, "activations"), sizes) \
        if "activations" in decl else None
    bias: bool | None = True
    if "biases" in decl:
        bias = ck.boolean(decl["biases"], join(place, "biases"), "true or false (whether neurons have biases)")
    inputs = None
    if "inputs" in decl:
        inputs = names_list(ck, decl["inputs"], join(place, "inputs"), "input")
        if inputs is not None and sizes is not None and len(inputs) != sizes[0]:
            ck.add(join(place, "inputs"), f"expected {sizes[0]} input names (sizes[0]), got {len(inputs)}")
            inputs = None
    outputs = auto_names(sizes)[1][-1] if sizes is not None else None
    loss = _read_loss(ck, decl, place, outputs)
    if ck.failures > before or sizes is None or acts is None or bias is None:
        return None
    auto_in, neuron_names = auto_names(sizes)
    inputs = inputs or auto_in
    names = _compact_names(ck, place, inputs, neuron_names, loss)
    if ck.failures > before:
        return None
    info = NetworkInfo("layered")
    layers = []
    prev = inputs
    for l, ns in enumerate(neuron_names):
        W = [[f"w_{src}_{n}" for src in prev] for n in ns]
        B: list[str | None] = [f"b_{n}" if bias else None for n in ns]
        for row, n in zip(W, ns):
            for w in row:
                info.param_places.setdefault(w, f"{place}.sizes[{l + 1}]")
            if bias:
                info.param_places.setdefault(f"b_{n}", f"{place}.sizes[{l + 1}]")
        layers.append(Layer(list(ns), acts[l], [list[str | None](row) for row in W], B, {}))
        prev = ns
    clash = [p for p in info.param_places if p in names]
    if clash:
        ck.add(place, f"the automatic parameter name {clash[0]!r} is also a node name; rename the inputs or targets")
        return None
    return _compile(ck, _spec(inputs, layers, loss), place, info, sum(a * b for a, b in zip(sizes, sizes[1:])))


def _read_sizes(ck: Checker, raw, sp: str) -> list[int] | None:
    sizes_raw = ck.lst(raw, sp, "a list of layer sizes, inputs first (e.g. [2, 8, 8, 1])")
    if sizes_raw is None:
        return None
    if len(sizes_raw) < 2:
        ck.add(sp, f"expected at least two sizes (inputs and outputs), got {len(sizes_raw)}")
        return None
    got_sizes = [ck.number(s, f"{sp}[{k}]", "a layer size", lo=1, integer=True) for k, s in enumerate(sizes_raw)]
    sizes = [int(s) for s in got_sizes if s is not None]
    if len(sizes) != len(got_sizes):
        return None
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    if not within_limits(ck, sp, sizes[0], sum(sizes[1:]), sizes[-1], weights):
        return None
    return sizes


def _read_activations(ck: Checker, a, ap: str, sizes: list[int] | None) -> list[str] | None:
    """One activation for every layer, or one per layer after the inputs."""
    if isinstance(a, str):
        a = ck.choice(a, ap, LAYER_ACTIVATIONS, "activation")
        return None if a is None or sizes is None else [a] * (len(sizes) - 1)
    a = ck.lst(a, ap, "an activation name, or a list of one per layer")
    if a is None:
        return None
    got = [ck.choice(x, f"{ap}[{k}]", LAYER_ACTIVATIONS, "activation") for k, x in enumerate(a)]
    named = [x for x in got if x is not None]
    if sizes is not None and len(a) != len(sizes) - 1:
        ck.add(ap, f"expected {len(sizes) - 1} activations (one per layer after the inputs), got {len(a)}")
        return None
    return named if len(named) == len(got) else None


def _compact_names(ck: Checker, place: str, inputs: list[str], neuron_names: list[list[str]],
                   loss: dict | None) -> set[str]:
    """Every node name of a compact network; a target, the loss or an input named like
    another node is a problem."""
    names = set(inputs)
    for ns in neuron_names:
        for n in ns:
            names.update((n, net_name(n), out_name(n)))
    if loss:
        for k, t in enumerate(loss["targets"]):
            if t in names:
                ck.add(f"{place}.loss.targets[{k}]", f"the name {t!r} is already used by the network")
            names.add(t)
        if loss["name"] in names:
            ck.add(f"{place}.loss.name", f"the name {loss['name']!r} is already used by the network")
    neuron_nodes = {x for ns in neuron_names for m in ns for x in (m, net_name(m), out_name(m))}
    for k, n in enumerate(inputs):
        if n in neuron_nodes:
            ck.add(f"{place}.inputs[{k}]", f"the input name {n!r} is already used by a neuron")
    return names


def _compile(ck: Checker, spec: LayeredSpec, place: str, info: NetworkInfo, n_weights: int) -> NetworkInfo | None:
    try:
        info.graph = compile_layered(spec)
        if n_weights <= GATE_CHECK_WEIGHTS:
            compile_layered(spec, gates=True)
    except GraphError as e:
        ck.add(place, str(e))
        return None
    info.full_graph = info.graph
    info.spec = spec
    info.inputs = list(spec.inputs)
    info.targets = list(spec.targets)
    return info


