"""The ``training`` section: how the network learns.

``{"epochs": 2000, "learning_rate": 0.5, "optimizer": "sgd", "batch_size": null,
"seed": 0, "init": "random", "init_scale": 1.0}`` plus the optimizer's own
settings (``momentum``; ``beta1``, ``beta2``, ``eps``; ``alpha``; ``weight_decay``) by name,
and an optional learning-rate ``schedule`` (``{"type": "step", "step_size": 10,
"gamma": 0.5}`` or ``{"type": "cosine", "t_max": 100, "eta_min": 0}``).
"""
from __future__ import annotations

from ..engine.model import TrainingSettings
from ..engine.optimizers import OPTIMIZERS
from .checks import Checker, listing
from .jsontext import join
from .limits import MAX_EPOCHS

BASE_KEYS = ("epochs", "learning_rate", "optimizer", "batch_size", "seed", "init", "init_scale", "schedule")
SCHEDULES = {"step": ("type", "step_size", "gamma"), "cosine": ("type", "t_max", "eta_min")}
INITS = ("random",)


def read_training(ck: Checker, decl, place: str = "training") -> TrainingSettings | None:
    decl = ck.obj(decl, place, "an object of training settings")
    if decl is None:
        return None
    d = TrainingSettings()
    before = ck.failures
    opt: str | None = d.optimizer
    if "optimizer" in decl:
        opt = ck.choice(decl["optimizer"], join(place, "optimizer"), list(OPTIMIZERS), "optimizer")
    hyper_names = list(OPTIMIZERS[opt].defaults) if opt else None
    for k in decl:
        if k in BASE_KEYS:
            continue
        if hyper_names is None:
            continue            # the optimizer is unknown: its settings cannot be checked
        if k not in hyper_names:
            takes = f"it takes {listing(hyper_names)}" if hyper_names else "it takes no settings of its own"
            others = [n for n, c in OPTIMIZERS.items() if k in c.defaults]
            hint = f" ({k} belongs to {', '.join(others)})" if others else ""
            ck.add(join(place, k), f"unknown training setting {k!r} for optimizer {opt}{hint}; "
                                   f"{takes}, besides {', '.join(BASE_KEYS)}")
    g = lambda k, default: decl.get(k, default)  # noqa: E731
    epochs = ck.number(g("epochs", d.epochs), join(place, "epochs"), "a number of epochs", lo=0, hi=MAX_EPOCHS,
                       integer=True)
    lr = ck.number(g("learning_rate", d.learning_rate), join(place, "learning_rate"), "a learning rate",
                   lo=0, lo_open=True, hi=1e6)
    batch = None
    if decl.get("batch_size") is not None:
        batch = ck.number(decl["batch_size"], join(place, "batch_size"),
                          "a batch size (or null for the whole training set)", lo=1, hi=10 ** 9, integer=True)
    seed = ck.number(g("seed", d.seed), join(place, "seed"), "a seed", lo=0, hi=2 ** 63 - 1, integer=True)
    init = None
    if decl.get("init") is not None:
        init = ck.choice(decl["init"], join(place, "init"), list(INITS),
                         "start (\"random\" for seeded random weights, or null to start from params)")
    scale = ck.number(g("init_scale", d.init_scale), join(place, "init_scale"), "a scale for the random start",
                      lo=0, lo_open=True, hi=1e6)
    hyper = {}
    if hyper_names:
        for k in hyper_names:
            if k in decl:
                x = ck.number(decl[k], join(place, k), f"a number for {k}", lo=0)
                if x is not None:
                    hyper[k] = float(x)
    schedule = _read_schedule(ck, decl["schedule"], join(place, "schedule")) if decl.get("schedule") else None
    if ck.failures > before:
        return None
    # each check that gave None recorded a failure
    assert epochs is not None and lr is not None and opt is not None and seed is not None and scale is not None
    return TrainingSettings(int(epochs), float(lr), opt, None if batch is None else int(batch), int(seed),
                            hyper, init, float(scale), schedule)


def _read_schedule(ck: Checker, decl, place: str) -> dict | None:
    decl = ck.obj(decl, place, 'a learning-rate schedule, e.g. {"type": "step", "step_size": 10, "gamma": 0.5}')
    if decl is None:
        return None
    kind = ck.choice(decl.get("type"), join(place, "type"), list(SCHEDULES), "schedule type")
    if kind is None:
        return None
    ck.keys(decl, place, SCHEDULES[kind], required=("type",))
    out: dict = {"type": kind}
    if kind == "step":
        out["step_size"] = ck.number(decl.get("step_size", 1), join(place, "step_size"), "a number of epochs",
                                     lo=1, hi=10 ** 9, integer=True)
        out["gamma"] = ck.number(decl.get("gamma", 0.1), join(place, "gamma"), "a factor", lo=0, hi=1e6)
    else:
        out["t_max"] = ck.number(decl.get("t_max", 0), join(place, "t_max"), "a number of epochs (0: all of them)",
                                 lo=0, hi=10 ** 9, integer=True)
        out["eta_min"] = ck.number(decl.get("eta_min", 0.0), join(place, "eta_min"), "the smallest learning rate",
                                   lo=0, hi=1e6)
    return None if any(v is None for v in out.values()) else out


def training_declaration(t: TrainingSettings) -> dict:
    out = {"epochs": int(t.epochs), "learning_rate": float(t.learning_rate), "optimizer": t.optimizer,
           "batch_size": None if t.batch_size is None else int(t.batch_size), "seed": int(t.seed)}
    if t.init is not None:
        out["init"] = t.init
    if t.init is not None or t.init_scale != 1.0:
        out["init_scale"] = float(t.init_scale)
    out.update({k: float(v) for k, v in t.hyper.items()})
    if t.schedule:
        out["schedule"] = dict(t.schedule)
    return out
