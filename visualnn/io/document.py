"""A visualnn network file: load it (checking everything), save it (atomically).

::

    {"format": "visualnn", "version": 1,
     "title": "...", "description": "...",
     "network": {...}, "params": {"w1": 0.15, ...}, "data": {...},
     "training": {...}, "lecture": [...], "view": {...}}

Sections this version does not know are kept and written back unchanged.
Nothing in a file is ever executed: it is JSON, read with ``json`` and checked
field by field.  See ``docs/file-format.md``.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.graph import Graph
from ..engine.model import Dataset, Model, TrainingSettings
from ..engine.network import LayeredSpec
from .budget import LIMIT_WORDS, precheck
from .checks import Checker, listing, suggestion
from .data import check_numbers_finite, copy_dataset, inline_declaration, read_data, same_dataset
from .errors import FileFormatError, Problem, Problems
from .files import read_text
from .jsontext import JsonSyntaxError, describe, dumps_value, join, may_hold_surrogates, parse, walk
from .lecture import validate_lecture
from .limits import FORMAT_NAME, FORMAT_VERSION, MAX_FILE_BYTES, MAX_TEXT_LENGTH
from .network import NetworkInfo, graph_declaration, guess_feeds, layered_declaration, read_network, restrict, signature
from .settings import read_training, training_declaration

SECTIONS = ("format", "version", "title", "description", "network", "params", "data", "training",
            "lecture", "view")


@dataclass
class Source:
    """How the file declared things, so saving keeps its form (compact sizes,
    inline weights, a generator or CSV instead of every sample)."""
    network: dict
    signature: tuple
    spec: LayeredSpec | None
    inline: dict                     # automatic parameter name -> path of its number in ``network``
    param_names: list[str]           # every parameter the declaration uses, in order
    full_graph: Graph | None = None
    start: tuple | None = None       # (seed, scale, parameters) of the seeded random start, if one was made
    output: str | None = None
    data: dict | None = None
    data_form: str = "none"
    dataset: Dataset | None = None
    base_dir: Path | None = None


@dataclass(eq=False)
class Document:
    """An open network file: the engine model plus what the file says around it."""
    model: Model
    path: Path | None = None
    lecture: list | None = None
    view: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)        # unknown top-level sections, kept verbatim
    source: Source | None = field(default=None, repr=False)
    disk: tuple | None = field(default=None, repr=False)   # (mtime, size, hash) of the file as read or written

    @property
    def title(self) -> str:
        return self.model.title

    @property
    def description(self) -> str:
        return self.model.description

    # -- expression graphs with several candidate outputs (alternative costs) --
    def outputs(self) -> list[str]:
        """Nodes that could be the graph's output: every op node nothing else uses."""
        g = self.source.full_graph if self.source and self.source.full_graph is not None else self.model.graph
        users = g.users()
        return [n for n in g.order if not users[n] and not g.nodes[n].is_leaf]

    @property
    def output(self) -> str | None:
        return self.source.output if self.source else None

    def use_output(self, name: str) -> None:
        """Evaluate the graph for output ``name`` (one of ``outputs()``): the
        model's graph becomes that node and everything it depends on."""
        if self.model.spec is not None or self.source is None or self.source.full_graph is None:
            raise ValueError("only an expression graph read from a file can switch its output")
        full = self.source.full_graph
        if name not in full.nodes:
            raise ValueError(f"no node named {name!r}; the candidates are {', '.join(self.outputs())}")
        cost = self.model.graph.cost_output
        frozen = self.model.graph.frozen
        self.model.graph = restrict(list(full.nodes.values()), name)
        self.model.graph.cost_output = cost
        self.model.graph.frozen = frozen
        self.source.output = name
        self.source.signature = signature(self.model.graph)


# -- loading ----------------------------------------------------------------------
def load(path) -> Document:
    """Read and check a network file; raises ``FileFormatError`` listing every problem."""
    path = Path(path)
    text = read_text(path)
    doc = _parse_document(text, str(path), path.parent, default_title=path.stem)
    doc.path = path
    from .saving import stamp
    try:
        doc.disk = stamp(path, text)
    except OSError:
        doc.disk = None
    return doc


def loads(text, source: str = "<string>", base_dir=None) -> Document:
    """A document from JSON text; ``source`` names it in messages, ``base_dir``
    is where relative CSV paths start (default: the current folder)."""
    if isinstance(text, (bytes, bytearray)):
        from .files import decode
        if len(text) > MAX_FILE_BYTES:
            raise FileFormatError([Problem(source, "", f"the text is over {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                                                       f"larger files are refused")])
        text = decode(bytes(text), source)
    if not isinstance(text, str):
        raise FileFormatError([Problem(source, "", f"expected JSON text, got {type(text).__name__}")])
    if len(text) > MAX_FILE_BYTES or (len(text) * 4 > MAX_FILE_BYTES
                                      and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES):
        raise FileFormatError([Problem(source, "", f"the text is over {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                                                   f"larger files are refused")])
    return _parse_document(text, source, Path(base_dir) if base_dir is not None else None)


def _plain(v):
    """Parsed JSON as plain (new) dicts and lists."""
    return _unwrap(v)


def _unwrap(v):
    if isinstance(v, dict):
        return {k: _unwrap(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_unwrap(x) for x in v]
    return v


def _parse_document(text: str, name: str, base_dir: Path | None, default_title: str = "Untitled") -> Document:
    problems = Problems(name)
    try:
        top = parse(text)
    except JsonSyntaxError as e:
        problems.add(e.place, e.message)
        problems.raise_if_any()
    ck = Checker(problems)
    _check_header(ck, problems, top, text)
    extra = {k: v for k, v in top.items() if k not in SECTIONS}
    title, description = _read_texts(ck, top, default_title)
    net: NetworkInfo | None = None
    if "network" not in top:
        typo = [k for k in extra if suggestion(k, ["network"])]
        hint = f" (there is a section {typo[0]!r}: a typo?)" if typo else ""
        ck.add("network", f'missing; a file needs a "network" section{hint}')
    else:
        net = read_network(ck, top["network"], "network")
        if any(LIMIT_WORDS in p.message for p in problems.items):
            problems.raise_if_any()          # over a limit: nothing else is worth checking
    training: TrainingSettings | None = TrainingSettings()
    if "training" in top:
        training = read_training(ck, top["training"], "training")
    params_in: dict[str, float | None] = {}
    frozen: set[str] = set()
    if "params" in top:
        obj = ck.obj(top["params"], "params", "an object mapping parameter names to numbers")
        if obj is not None:
            params_in = _read_params(ck, obj, frozen)
    data_info = _read_data_section(ck, top, net, base_dir)
    lecture = None
    if "lecture" in top:
        lecture = top["lecture"]
        problems.extend(validate_lecture(lecture, "lecture", net.graph if net is not None else None))
    view = {}
    if "view" in top:
        view = ck.obj(top["view"], "view", "an object of view settings") or {}
    params = {}
    if net is not None:
        params = _resolve_params(ck, net, params_in, training)
    if problems:
        problems.raise_if_any()
    assert net is not None and net.graph is not None and training is not None   # else a problem was raised above
    dataset = data_info.dataset if data_info else Dataset()
    model = Model(title or default_title, net.graph, {}, net.spec, dataset, training, description or "")
    model.features = data_info.features if data_info else None
    model.params, start = _with_random_start(model, net, params, training)
    model.graph.frozen = frozenset(frozen | net.frozen)
    src = Source(network=_plain(top["network"]), signature=signature(net.graph), spec=copy_spec(net.spec),
                 inline={k: path for k, (_, path) in net.inline.items()}, param_names=list(net.param_places),
                 full_graph=net.full_graph if net.kind == "graph" else None, output=net.output,
                 data=_plain(top["data"]) if "data" in top else None,
                 data_form=data_info.form if data_info else "none",
                 dataset=copy_dataset(dataset), base_dir=base_dir,
                 start=None if start is None else (training.seed, training.init_scale, start))
    return Document(model, None, _plain(lecture) if lecture is not None else None, _plain(view),
                    {k: _plain(v) for k, v in extra.items()}, src)


def _check_header(ck: Checker, problems: Problems, top, text: str) -> None:
    """What the file is comes first: not an object, a wrong format or version stops here
    (raised); so does a too-deep or repeated-key file, its structure in doubt."""
    if not isinstance(top, dict):
        ck.add("", f"expected a JSON object with \"format\": \"{FORMAT_NAME}\", got {describe(top)}")
        problems.raise_if_any()
    if "format" not in top:
        ck.add("format", f'missing; expected "format": "{FORMAT_NAME}" (is this a visualnn network file?)')
    elif top["format"] != FORMAT_NAME:
        ck.add("format", f'expected "{FORMAT_NAME}", got {describe(top["format"])} (is this a visualnn network file?)')
    if "version" not in top:
        ck.add("version", f"missing; expected \"version\": {FORMAT_VERSION}")
    else:
        v = top["version"]
        if isinstance(v, int) and not isinstance(v, bool) and v > FORMAT_VERSION:
            ck.add("version", f"this file is version {v}, written by a newer visualnn; "
                              f"this version reads version {FORMAT_VERSION}")
        elif not (isinstance(v, int) and not isinstance(v, bool) and v == FORMAT_VERSION):
            ck.add("version", f"expected {FORMAT_VERSION}, got {describe(v)}")
    problems.raise_if_any()
    precheck(top, problems)
    walk(top, "", problems, surrogates=may_hold_surrogates(text))
    ck.failures = len(problems)
    if problems:
        # a too-deep or repeated-key file is not examined further: its structure is in doubt
        if any("nested too deeply" in p.message or "more than once" in p.message
               or "lone surrogate" in p.message for p in problems.items):
            problems.raise_if_any()


def _read_texts(ck: Checker, top: dict, default_title: str) -> tuple[str | None, str | None]:
    title: str | None = default_title
    if "title" in top:
        title = ck.string(top["title"], "title", "a title (text)")
        if title is not None and len(title) > MAX_TEXT_LENGTH:
            ck.add("title", f"the title is {len(title):,} characters; at most {MAX_TEXT_LENGTH:,}")
    description: str | None = ""
    if "description" in top:
        description = ck.string(top["description"], "description", "a description (text)")
        if description is not None and len(description) > MAX_TEXT_LENGTH:
            ck.add("description", f"the description is {len(description):,} characters; at most {MAX_TEXT_LENGTH:,}")
    return title, description


def _read_data_section(ck: Checker, top: dict, net: NetworkInfo | None, base_dir: Path | None):
    if net is not None:
        if "data" in top:
            return read_data(ck, top["data"], "data", net.inputs, net.targets, base_dir)
        if net.inputs or net.targets:
            ck.add("data", f"missing; the network has inputs or targets ({listing(net.inputs + net.targets, 8)}) "
                           f"so the file needs data for them")
    elif "data" in top:
        # the network did not check out: still check the data against the names it seems to have
        ins, tgs = guess_feeds(top.get("network"))
        if ins or tgs:
            read_data(ck, top["data"], "data", ins, tgs, base_dir)
        else:
            ck.obj(top["data"], "data", "an object with samples, columns, a generator or a csv file")
    return None


def _read_params(ck: Checker, obj: dict, frozen: set[str]) -> dict[str, float | None]:
    """The params section: a plain finite number is taken as it is (50,890 of them in a
    [784,64,10] file); anything else goes through the checks that name its place."""
    return {k: v if type(v) is float and math.isfinite(v) else _read_param(ck, k, v, frozen)  # noqa: E721
            for k, v in obj.items()}


def _read_param(ck: Checker, name: str, v, frozen: set[str]) -> float | None:
    """A parameter's value: a number, or ``{"value": 0.35, "trainable": false}``
    for one that never changes (its name goes into ``frozen``)."""
    place = join("params", name)
    if isinstance(v, dict):
        ck.keys(v, place, ("value", "trainable"), required=("value",))
        if "trainable" in v and ck.boolean(v["trainable"], join(place, "trainable"),
                                            "true or false (false: training never changes it)") is False:
            frozen.add(name)
        if "value" not in v:
            return None
        v, place = v["value"], join(place, "value")
    x = ck.number(v, place, f"a number (the value of parameter {name!r})")
    return None if x is None else float(x)


def _resolve_params(ck: Checker, net: NetworkInfo, given: dict, training) -> dict:
    # a [784,64,10] file names 50,890 parameters: each is looked up once; the names that
    # need a message are reported in the order the network (or the params section) has them
    places, inline = net.param_places, net.inline
    twice = inline.keys() & given.keys()
    for name, place in places.items() if twice else ():
        if name in twice:
            ck.add(join("params", name), f"parameter {name!r} is given twice: here and as a number at {place}")
    params = {name: v for name in places                     # in the network's order
              if (v := inline[name][0] if name in inline else given.get(name)) is not None}
    missing = [] if len(params) == len(places) else \
        [(name, place) for name, place in places.items() if name not in inline and name not in given]
    for k in given if given.keys() - places.keys() else ():
        if k not in places:
            known = listing(net.param_places, 10) if net.param_places else "none"
            ck.add(join("params", k), f"the network has no parameter named {k!r}{suggestion(k, net.param_places)}; "
                                      f"its parameters are: {known}")
    if missing and (training is None or training.init != "random"):
        names = [n for n, _ in missing]
        if len(missing) <= 5:
            for n, place in missing:
                ck.add("params", f"missing a value for parameter {n!r} (used at {place}); give it a number, "
                                 f'or set "init": "random" in training for a seeded random start')
        else:
            ck.add("params", f"missing values for {len(missing):,} parameters ({listing(names, 6)}); give them "
                             f'numbers, or set "init": "random" in training for a seeded random start')
    return params


def _with_random_start(model: Model, net: NetworkInfo, params: dict, training) -> tuple[dict, dict | None]:
    """Parameters the file leaves out start at the engine's seeded random values
    (the same start training uses), when the training section asks for it.
    Returns the parameters and, if any were drawn, the whole seeded start."""
    if len(params) == len(net.param_places):     # every one, in param_places' order (see _resolve_params)
        return params, None
    missing = [n for n in net.param_places if n not in params]
    from ..engine.training import initial_params
    start = initial_params(model)
    if any(n not in start for n in missing) and net.full_graph is not None and net.full_graph is not net.graph:
        start = {**initial_params(Model(model.title, net.full_graph, {}, None, model.data, training)), **start}
    return {n: params[n] if n in params else float(start.get(n, 0.0)) for n in net.param_places}, start


def copy_spec(spec: LayeredSpec | None) -> LayeredSpec | None:
    if spec is None:
        return None
    from ..engine.network import Layer
    layers = [Layer(list(L.neurons), L.activation, [list(r) for r in L.weights], list(L.biases), dict(L.attrs))
              for L in spec.layers]
    return LayeredSpec(list(spec.inputs), layers, spec.loss, list(spec.targets), spec.loss_name,
                       dict(spec.loss_attrs))


# -- saving -----------------------------------------------------------------------
def _number_at(decl, path, value):
    obj = decl
    for key in path[:-1]:
        obj = obj[key]
    if isinstance(obj[path[-1]], dict):        # {"value": -30, "trainable": false}
        obj[path[-1]]["value"] = float(value)
    else:
        obj[path[-1]] = float(value)


def _network_out(doc: Document) -> tuple[dict, set, list[str]]:
    m = doc.model
    src = doc.source
    unchanged = (src is not None and signature(m.graph) == src.signature
                 and (m.spec is None) == (src.spec is None) and (m.spec is None or m.spec == src.spec))
    if unchanged:
        assert src is not None
        decl = _unwrap(src.network)
        for name, path in src.inline.items():
            _number_at(decl, path, m.params[name])
        if src.output is not None:
            decl["output"] = src.output
        return decl, set(src.inline), list(src.param_names)
    if m.spec is not None:
        return layered_declaration(m.spec), set(), list(m.graph.param_names)
    return graph_declaration(m.graph, src.output if src else None), set(), list(m.graph.param_names)


def _data_out(doc: Document, path: Path | None):
    m = doc.model
    src = doc.source
    if src is not None and src.data_form in ("generator", "csv") and src.dataset is not None \
            and same_dataset(m.data, src.dataset):
        decl = _unwrap(src.data)
        if src.data_form == "csv" and path is not None:
            decl["csv"] = _rebase(decl["csv"], src.base_dir, path.parent)
        if src.data_form != "csv" or _inside(decl["csv"]):
            return decl
        # the CSV file would lie outside the new file's folder, where it is not read: write the numbers
        return inline_declaration(m.data, "columns")
    if not m.data.columns:
        return None
    form = src.data_form if src is not None and src.data_form in ("samples", "columns") else \
        ("samples" if len(m.data) <= 1000 else "columns")
    decl = inline_declaration(m.data, form)
    if m.features:
        decl["features"] = list(m.features)       # what each input is, so the map draws the x1, x2 plane again
    return decl


def _inside(rel: str) -> bool:
    """Whether a rebased CSV path stays in the file's folder (the loader reads only those)."""
    p = Path(rel)
    return not p.is_absolute() and ".." not in p.parts


def _rebase(rel: str, old_dir: Path | None, new_dir: Path) -> str:
    p = Path(rel)
    if p.is_absolute():
        return rel
    target = (old_dir or Path.cwd()) / p
    try:
        out = os.path.relpath(os.path.abspath(target), os.path.abspath(new_dir))
    except ValueError:                 # another drive (Windows)
        return os.path.abspath(target)
    return Path(out).as_posix()


def to_json(doc: Document, path: Path | None = None) -> dict:
    """The document as the JSON object a file holds (``path``: where it will be
    written, so relative CSV paths can be rebased)."""
    m = doc.model
    name = str(path or doc.path or "<document>")
    problems = Problems(name)
    network, inline, names = _network_out(doc)
    params = {}
    for n in names:
        if n in inline:
            continue
        v = m.params.get(n)
        if v is None:
            problems.add(join("params", n), "the model has no value for this parameter")
            continue
        v = float(v)
        if v != v or v in (float("inf"), float("-inf")):
            problems.add(join("params", n), f"the value is {v}, which JSON cannot store (did training diverge?)")
        params[n] = {"value": v, "trainable": False} if n in m.graph.frozen else v
    for n in inline:
        v = float(m.params.get(n, float("nan")))
        if not (v == v and abs(v) != float("inf")):
            problems.add(join("params", n), f"the value is {v}, which JSON cannot store (did training diverge?)")
    for place, msg in check_numbers_finite(m.data):
        problems.add(place, msg)
    problems.raise_if_any()
    out = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "title": m.title}
    if m.description:
        out["description"] = m.description
    out["network"] = network
    if params and not _is_seeded_start(doc, params):
        out["params"] = params
    data = _data_out(doc, path)
    if data is not None:
        out["data"] = data
    if m.training != TrainingSettings():
        out["training"] = training_declaration(m.training)
    if doc.lecture is not None:
        out["lecture"] = doc.lecture
    if doc.view:
        out["view"] = doc.view
    for k, v in doc.extra.items():
        if k not in out:
            out[k] = v
    return out


def _is_seeded_start(doc: Document, params: dict) -> bool:
    """The parameters are exactly the seeded random start the file asks for:
    leaving them out reproduces them (the file stays short until trained)."""
    m = doc.model
    if m.training.init != "random" or set(params) != set(m.graph.param_names):
        return False
    src = doc.source
    seeded = src.start if src is not None else None
    if src is not None and seeded is None:
        return False                 # the file gave the values: keep giving them
    if seeded is not None and seeded[:2] == (m.training.seed, m.training.init_scale):
        start = seeded[2]
    else:
        from ..engine.training import initial_params
        start = initial_params(m)
    return all(start.get(k) == v for k, v in params.items())


def dumps(doc: Document, path=None) -> str:
    """The file text of ``doc`` (what ``save`` writes)."""
    obj = to_json(doc, Path(path) if path is not None else None)
    try:
        return dumps_value(obj)
    except (ValueError, TypeError) as e:          # a non-JSON value put in view, lecture or extra
        raise FileFormatError([Problem(str(path or doc.path or "<document>"), "", f"cannot be written as JSON: {e}")]) \
            from None


from .saving import save  # noqa: E402, F401  (re-exported; saving builds on everything above)
