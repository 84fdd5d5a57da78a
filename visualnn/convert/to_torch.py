"""Export as code: a short PyTorch script that builds and trains the same network.

The script holds the layers, the weights now, the samples, the loss and the
optimizer settings of a layered network file, in float64 as visualnn
computes.  A network whose parameters are each used once becomes an
``nn.Sequential`` of ``nn.Linear`` and activations; one that shares parameters
or leaves connections out (the 2-2-2 network's shared biases) keeps every
parameter once in a vector, indexed into each layer's matrix.  Run, it trains
for the file's epochs (or the number given on its command line) and prints the
parameters by their visualnn names as JSON.
"""
from __future__ import annotations

from ..engine.model import Model
from ..engine.training import initial_params

TORCH_MODULES = {"sigmoid": "torch.nn.Sigmoid()", "tanh": "torch.nn.Tanh()", "relu": "torch.nn.ReLU()",
                 "leaky_relu": "torch.nn.LeakyReLU({alpha!r})", "elu": "torch.nn.ELU({alpha!r})",
                 "softplus": "torch.nn.Softplus()", "gelu": "torch.nn.GELU()", "softmax": "torch.nn.Softmax(dim=1)",
                 "linear": "torch.nn.Identity()"}
# each loss over out and T (samples in rows): the mean over samples of visualnn's loss of one sample
# (the op's own ``torch`` field says what of PyTorch it equals); {name} are the loss's attributes
TORCH_LOSSES = {"squared_error": "0.5 * ((T - out) ** 2).sum(dim=1).mean()",
                "mse": "torch.nn.functional.mse_loss(out, T)", "mae": "torch.nn.functional.l1_loss(out, T)",
                "huber": "torch.nn.functional.huber_loss(out, T, delta={delta!r})",
                "binary_cross_entropy": "torch.nn.functional.binary_cross_entropy(out, T)",
                "cross_entropy": "-(T * torch.log(out){clamp}).sum(dim=1).mean()",
                "binary_cross_entropy_with_logits": "torch.nn.functional.binary_cross_entropy_with_logits(out, T)",
                "binary_hinge": "torch.relu({margin!r} - T * out).mean()",
                "softmax_cross_entropy": "torch.nn.functional.cross_entropy(out, T)",
                "class_cross_entropy": "torch.nn.functional.cross_entropy(out, T[:, 0].long())",
                # the class is the target's largest entry; PyTorch divides each sample's sum by k
                "hinge": "torch.nn.functional.multi_margin_loss(out, T.argmax(dim=1), margin={margin!r})"
                         " * out.shape[1]"}
TORCH_OPTIMIZERS = {"sgd": "torch.optim.SGD({params}, lr={lr!r}{decay})",
                    "momentum": "torch.optim.SGD({params}, lr={lr!r}, momentum={momentum!r}{decay})",
                    "nesterov": "torch.optim.SGD({params}, lr={lr!r}, momentum={momentum!r}, nesterov=True{decay})",
                    "rmsprop": "torch.optim.RMSprop({params}, lr={lr!r}, alpha={alpha!r}, eps={eps!r}{decay})",
                    "adam": "torch.optim.Adam({params}, lr={lr!r}, betas=({beta1!r}, {beta2!r}), eps={eps!r}{decay})",
                    "adamw": "torch.optim.AdamW({params}, lr={lr!r}, betas=({beta1!r}, {beta2!r}), "
                             "eps={eps!r}{decay})",
                    "adagrad": "torch.optim.Adagrad({params}, lr={lr!r}, eps={eps!r}{decay})"}


class NotExportable(ValueError):
    """What of the network a PyTorch script cannot hold."""


def torch_script(model: Model) -> str:
    """The Python source of a runnable script (needs only torch and numpy)."""
    spec = model.spec
    if spec is None:
        raise NotExportable("only a layered network can be written as a PyTorch model; this file is an "
                            "expression graph")
    for L in spec.layers:
        if L.activation not in TORCH_MODULES:
            raise NotExportable(f"layer of {', '.join(L.neurons[:3])}: no PyTorch module for the activation "
                                f"{L.activation!r} here")
    if spec.loss is None:
        raise NotExportable("the network has no loss, so there is nothing to train; a PyTorch script trains it")
    loss = torch_loss(spec.loss, spec.loss_attrs)
    if model.training.optimizer not in TORCH_OPTIMIZERS:
        raise NotExportable(f"the optimizer {model.training.optimizer!r} is not written for PyTorch here; "
                            f"one of {', '.join(TORCH_OPTIMIZERS)}")
    if model.training.schedule:
        raise NotExportable(f"the learning-rate schedule {model.training.schedule.get('type', '')!r} is not "
                            "written for PyTorch here (the script trains at one learning rate)")
    if len(model.data) == 0:
        raise NotExportable("the file has no training data")
    t = model.training
    start = initial_params(model, t.seed) if (t.init or "").lower() == "random" else model.params
    hyper = dict(_optimizer_settings(t.optimizer), **t.hyper)
    lines = [f'"""{_doc(model.title)}: the network visualnn drew, built and trained in PyTorch.',
             "",
             "Written by visualnn (export as PyTorch): the same layers, weights, samples, loss and optimizer.",
             f"Run: python {{this file}} [EPOCHS]   (default {t.epochs}); prints the trained parameters as JSON.",
             '"""', "import json", "import sys", "", "import numpy as np", "import torch", "",
             "torch.set_default_dtype(torch.float64)          # visualnn computes in float64", "",
             "# the samples, one row each: inputs " + ", ".join(spec.inputs) + "; targets " + ", ".join(spec.targets),
             f"X = torch.tensor({_rows(model.data.matrix(spec.inputs))})",
             f"T = torch.tensor({_rows(model.data.matrix(spec.targets))})", ""]
    frozen = model.graph.frozen
    lines += (_plain(spec, start) if _is_plain(spec) and not frozen
              else _shared(spec, model.graph.param_names, start, frozen))
    wd = hyper.pop("weight_decay", 0.0)
    decay = f", weight_decay={wd!r}" if wd or t.optimizer == "adamw" else ""
    optimizer = TORCH_OPTIMIZERS[t.optimizer].format(params=_trained(frozen), lr=float(t.learning_rate),
                                                     decay=decay, **hyper)
    lines += ["", "", f"optimizer = {optimizer}",
              f"EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else {int(t.epochs)}"]
    full = t.batch_size is None or t.batch_size >= len(model.data)
    lines += _loop(loss, full, t.batch_size, t.seed)
    return "\n".join(lines) + "\n"


def torch_loss(name: str, attrs: dict) -> str:
    """The PyTorch expression of loss ``name`` over ``out`` and ``T``, or NotExportable naming it."""
    from ..engine.ops import OPS, attrs_with_defaults
    if name not in TORCH_LOSSES:
        has = "has no PyTorch equivalent" if not getattr(OPS.get(name), "torch", "") else "is not written here"
        raise NotExportable(f"the loss {name!r} {has}, so no PyTorch script is written; "
                            f"losses that export: {', '.join(TORCH_LOSSES)}")
    a = attrs_with_defaults(name, attrs or {})
    if name == "binary_cross_entropy" and not a.get("clamp_log", 1):
        raise NotExportable(f"the loss {name!r} with clamp_log 0 has no PyTorch equivalent: PyTorch's "
                            "binary_cross_entropy always clamps the log at -100")
    clamp = ".clamp(min=-100)" if a.get("clamp_log", 1) else ""
    return TORCH_LOSSES[name].format(clamp=clamp, **{k: float(v) for k, v in a.items() if k != "clamp_log"})


def _trained(frozen) -> str:
    """What the optimizer is given: every parameter, or only theta when some are frozen."""
    return "[model.theta]" if frozen else "model.parameters()"


def _optimizer_settings(name: str) -> dict:
    """visualnn's defaults for optimizer ``name`` (the same as torch.optim's)."""
    from ..engine.optimizers import OPTIMIZERS
    return {k: float(v) for k, v in OPTIMIZERS[name].defaults.items()}


def _doc(text: str) -> str:
    return " ".join(str(text).split()).replace('"""', "'''").replace("\\", "/")


def _rows(a) -> str:
    return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in row) + "]" for row in a) + "]"


def _is_plain(spec) -> bool:
    """Every parameter used once and every connection there: plain nn.Linear layers."""
    names = [w for L in spec.layers for row in L.weights for w in row] + [b for L in spec.layers for b in L.biases]
    biased = all(all(b is not None for b in L.biases) or all(b is None for b in L.biases) for L in spec.layers)
    real = [n for n in names if n is not None]
    return biased and len(real) == len(set(real)) and all(w is not None for L in spec.layers
                                                          for row in L.weights for w in row)


def _act(L) -> str:
    return TORCH_MODULES[L.activation].format(alpha=float(L.attrs.get("alpha", 0.01 if L.activation ==
                                                                      "leaky_relu" else 1.0)))


def _plain(spec, start) -> list[str]:
    sizes = spec.sizes
    out = ["model = torch.nn.Sequential("]
    for k, L in enumerate(spec.layers):
        bias = "" if L.biases[0] is not None else ", bias=False"
        out.append(f"    torch.nn.Linear({sizes[k]}, {sizes[k + 1]}{bias}),")
        if L.activation != "linear":
            out.append(f"    {_act(L)},")
    out += [")", "LINEAR = [m for m in model if isinstance(m, torch.nn.Linear)]",
            "# each layer's parameters by their visualnn names: weight rows are neurons, columns inputs",
            f"WEIGHTS = {[[list(row) for row in L.weights] for L in spec.layers]!r}",
            f"BIASES = {[list(L.biases) if L.biases[0] is not None else None for L in spec.layers]!r}",
            "with torch.no_grad():"]
    for k, L in enumerate(spec.layers):
        out.append(f"    LINEAR[{k}].weight.copy_(torch.tensor({_rows([[start[w] for w in r] for r in L.weights])}))")
        if L.biases[0] is not None:
            out.append(f"    LINEAR[{k}].bias.copy_(torch.tensor({[float(start[b]) for b in L.biases]!r}))")
    out += ["", "", "def parameters() -> dict:", "    out = {}",
            "    for lin, names, biases in zip(LINEAR, WEIGHTS, BIASES):",
            "        for j, row in enumerate(names):",
            "            out.update({n: lin.weight[j, i].item() for i, n in enumerate(row)})",
            "            if biases is not None:",
            "                out[biases[j]] = lin.bias[j].item()",
            "    return out"]
    return out


def _shared(spec, names: list[str], start, frozen=frozenset()) -> list[str]:
    learn = [n for n in names if n not in frozen]
    fixed = [n for n in names if n in frozen]
    order = learn + fixed
    pos = {n: k for k, n in enumerate(order)}
    none = len(order)
    iw = [[[none if w is None else pos[w] for w in row] for row in L.weights] for L in spec.layers]
    ib = [[none if b is None else pos[b] for b in L.biases] for L in spec.layers]
    return ["# parameters shared between neurons (or connections left out, or frozen): every parameter once,",
            "# the learning ones in theta, the frozen ones (requires_grad=False) in fixed; each layer's weight",
            "# matrix and biases indexed from them (the last index is a constant 0)",
            f"NAMES = {order!r}", f"W_INDEX = [torch.tensor(i) for i in {iw!r}]",
            f"B_INDEX = [torch.tensor(i) for i in {ib!r}]", "", "",
            "class Network(torch.nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            f"        self.theta = torch.nn.Parameter(torch.tensor({[float(start[n]) for n in learn]!r}))",
            f"        self.fixed = torch.nn.Parameter(torch.tensor({[float(start[n]) for n in fixed]!r}), "
            "requires_grad=False)",
            f"        self.activations = [{', '.join(_act(L) for L in spec.layers)}]",
            "",
            "    def forward(self, x):",
            "        th = torch.cat([self.theta, self.fixed, torch.zeros(1)])",
            "        for iw, ib, act in zip(W_INDEX, B_INDEX, self.activations):",
            "            x = act(x @ th[iw].T + th[ib])",
            "        return x",
            "", "", "model = Network()", "", "",
            "def parameters() -> dict:",
            "    return dict(zip(NAMES, torch.cat([model.theta, model.fixed]).tolist()))"]


def _loop(loss: str, full: bool, batch, seed) -> list[str]:
    out = ["", "", "def loss_of(out, T):", f"    return {loss}", "", "", "def step(x, t):",
           "    optimizer.zero_grad()", "    loss = loss_of(model(x), t)", "    loss.backward()",
           "    optimizer.step()", "", ""]
    if full:
        out += ["for epoch in range(EPOCHS):", "    step(X, T)"]
    else:
        out += [f"rng = np.random.default_rng({seed!r})          # visualnn's shuffle, epoch by epoch",
                "for epoch in range(EPOCHS):", "    order = rng.permutation(len(X))",
                f"    for k in range(0, len(X), {int(batch)}):",
                f"        rows = torch.as_tensor(order[k:k + {int(batch)}])", "        step(X[rows], T[rows])"]
    out += ["with torch.no_grad():", "    print(f'loss after {EPOCHS} epochs: {loss_of(model(X), T).item():.9g}', "
            "file=sys.stderr)", "print(json.dumps(parameters(), indent=1))"]
    return out
