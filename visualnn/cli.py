"""The ``visualnn`` command: the app, and headless check / trace / train / gradcheck / export.

Every failure ends in one clear message on stderr and a documented exit code,
never a traceback:

    0   done (gradcheck: backprop and finite differences agree)
    1   a check failed (gradcheck: a mismatch or a gradient that is not finite), or the output could not be
        written, or export was cancelled
    2   a wrong argument, or a file that is not a valid visualnn file (over a documented limit included)
    3   training diverged (train)
    70  an internal error: a bug in visualnn, reported in one line
    130 interrupted (Ctrl+C)
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .engine import record
from .engine.gradcheck import TOLERANCE, gradcheck
from .engine.optimizers import OPTIMIZERS
from .engine.textfmt import significant
from .engine.trace import json_safe
from .engine.training import train
from .io import FileFormatError, load, save
from .io.budget import cost_of, gate_nodes
from .io.limits import MAX_NODES

# Imported by the commands that need them, not here: the window and the renderer
# (Qt, pyqtgraph; in ``main`` and ``cmd_export``), so no other command loads Qt,
# and the model converters (``cmd_import``, ``_export_torch``; 32 ms measured,
# with PyTorch or ONNX behind them).

COMMANDS = ("check", "trace", "train", "gradcheck", "export", "import")
EXIT_INTERNAL = 70
MAX_MESSAGE = 20_000          # characters of one message (a cycle through 200,000 nodes is megabytes)


class CliError(Exception):
    """A message for the user; exits with ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _load(path: str):
    try:
        return load(path)
    except FileFormatError as err:
        raise CliError(str(err), 2) from None


def fmt(x, digits: int = 9) -> str:
    return significant(x, digits)


# -- check ---------------------------------------------------------------------
def cmd_check(args) -> int:
    doc = _load(args.file)
    m = doc.model
    g = m.graph
    kinds = {}
    for n in g.nodes.values():
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
    lines = [f"{args.file}: valid visualnn file",
             f"  title:       {m.title}"]
    if m.description:
        desc = " ".join(m.description.split())
        lines.append(f"  description: {desc[:160]}{'...' if len(desc) > 160 else ''}")
    if m.spec is not None:
        lines.append(f"  network:     layered {'-'.join(map(str, m.spec.sizes))}, "
                     f"activations {', '.join(l.activation for l in m.spec.layers)}")
    else:
        lines.append("  network:     expression graph")
    lines.append(f"  nodes:       {len(g.nodes)} (" + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())) + ")")
    lines.append(f"  edges:       {sum(1 for _ in g.edges())}")
    frozen = [p for p in g.param_names if p in g.frozen]
    lines.append(f"  parameters:  {len(g.param_names)}" + (f" ({len(frozen)} frozen: {', '.join(frozen[:6])}"
                                                            f"{' ...' if len(frozen) > 6 else ''})" if frozen else ""))
    lines.append(f"  inputs:      {', '.join(g.inputs) or '-'}")
    lines.append(f"  outputs:     {', '.join(g.outputs) or '-'}")
    loss = f"{g.loss} ({g.nodes[g.loss].op})" if g.loss else "none (output gradient seeded with 1)"
    lines.append(f"  loss:        {loss}")
    n_test = len(next(iter(m.data.test.values()))) if m.data.test else 0
    lines.append(f"  samples:     {len(m.data)} training" + (f", {n_test} test" if n_test else ""))
    t = m.training
    if g.objective is None or not g.param_names:
        lines.append("  training:    none (nothing to minimise, or no parameters)")
    else:
        lines.append(f"  training:    minimises {g.objective}; {t.optimizer}, learning rate {fmt(t.learning_rate)}, "
                     f"{t.epochs} epochs" + (f", batch {t.batch_size}" if t.batch_size else ", full batch"))
    if doc.lecture:
        lines.append(f"  lecture:     {len(doc.lecture)} slides")
    lines.append("  cost:")
    lines.extend(f"    {line}" for line in cost_of(doc).lines())
    print("\n".join(lines))
    return 0


# -- trace ---------------------------------------------------------------------
def _sample(doc, index):
    samples = doc.model.samples()
    if not 0 <= index < len(samples):
        raise CliError(f"{doc.path}: --sample {index} is out of range; the file has "
                       f"{len(samples)} sample(s) (0..{len(samples) - 1})", 2)
    return samples[index]


def trace_table(tr, digits: int = 6) -> str:
    g = tr.graph
    d = lambda x: fmt(x, digits)  # noqa: E731
    rows = []
    for s in tr.steps:
        if s.phase in ("forward", "loss"):
            parts = []
            for i, x, w, wv in zip(s.inputs, s.input_values, s.weights or (None,) * len(s.inputs),
                                   s.weight_values or (None,) * len(s.inputs)):
                parts.append(f"{w}·{i} [{d(wv)}×{d(x)}]" if w else f"{i} [{d(x)}]")
            rows.append(f"{s.index:>4}  {s.phase:<8}  {s.node} = {s.op}({', '.join(parts)}) = {d(s.value)}")
        else:
            rows.append(f"{s.index:>4}  backward  {s.node} ({s.op}): upstream dL/d{s.node} = {d(s.upstream)}")
            for e in s.edges:
                extra = f"   d/d{e.param} += {d(e.param_gradient)}" if e.param else ""
                rows.append(f"{'':>4}            -> {e.src}: local {d(e.local)} × upstream {d(e.upstream)}"
                            f" = {d(e.gradient)}   (sum at {e.src}: {d(e.accumulated)}){extra}")
    out = [f"{'step':>4}  {'phase':<8}  operation", *rows, ""]
    if tr.loss is not None:
        out.append(f"loss {g.loss} = {d(tr.loss)}")
    if len(g.start) == 1 and g.start[0] != g.loss:
        out.append(f"objective {g.start[0]} = {d(tr.values[g.start[0]])} (the backward pass starts here)")
    for o in g.outputs:
        out.append(f"output {o} = {d(tr.values[o])}")
    if g.param_names:
        out.append("parameters:")
        for p in g.param_names:
            frozen = "   (frozen: it does not learn)" if p in g.frozen else ""
            out.append(f"  {p:<12} value {d(tr.params[p]):<14} gradient {d(tr.param_gradients[p])}{frozen}")
    grads = [n for n in g.order if g.nodes[n].op in ("input",) and n in tr.gradients]
    if grads:
        out.append("input gradients:")
        for n in grads:
            out.append(f"  {n:<12} {d(tr.gradients[n])}")
    return "\n".join(out)


def trace_json(doc, tr) -> dict:
    return json_safe({"format": "visualnn-trace", "version": 1, "network": doc.model.title,
                      "steps": [s.to_json() for s in tr.steps], "result": tr.result_json()})


def cmd_trace(args) -> int:
    doc = _load(args.file)
    m = doc.model
    if args.gates and m.spec is not None:
        if gate_nodes(m.spec) > MAX_NODES:
            raise CliError(f"{args.file}: --gates: the gate view has {gate_nodes(m.spec):,} nodes; at most "
                           f"{MAX_NODES:,} graph nodes are allowed (the documented limit); trace the neuron view", 2)
    graph = m.gate_graph() if args.gates else m.graph
    tr = record(graph, m.params, _sample(doc, args.sample))
    if args.json:
        json.dump(trace_json(doc, tr), sys.stdout, indent=1, allow_nan=False)
        print()
    else:
        print(f"{m.title} — sample {args.sample}")
        print(trace_table(tr, args.digits))
    return 0


# -- train ---------------------------------------------------------------------
def _progress(epoch, total, loss, test_loss, width=30):
    done = int(width * epoch / max(total, 1))
    bar = "#" * done + "-" * (width - done)
    extra = f" test {fmt(test_loss, 9)}" if test_loss is not None else ""
    sys.stderr.write(f"\r[{bar}] epoch {epoch}/{total} loss {fmt(loss, 6)}{extra}  ")
    sys.stderr.flush()


def cmd_train(args) -> int:
    doc = _load(args.file)
    m = doc.model
    if m.graph.objective is None:
        raise CliError(f"{args.file}: the network has no loss node and its output is not declared a cost "
                       f"(network.cost), so there is nothing to train")
    if len(m.data) == 0 and m.graph.feeds_needed():
        raise CliError(f"{args.file}: the file has no training data")
    epochs = args.epochs if args.epochs is not None else m.training.epochs
    every = max(1, epochs // 20)
    interactive = sys.stderr.isatty()

    def callback(epoch, loss, test_loss, params):
        if interactive:
            _progress(epoch, epochs, loss, test_loss)
        if epoch % every == 0 or epoch == epochs or epoch == 1:
            if interactive:
                sys.stderr.write("\n")
            extra = f"  test {fmt(test_loss, 9)}" if test_loss is not None else ""
            print(f"epoch {epoch:>6}  loss {fmt(loss, 9)}{extra}", flush=True)

    try:
        result = train(m, epochs=epochs, lr=args.lr, optimizer=args.optimizer, batch_size=args.batch_size,
                       seed=args.seed, callback=callback)
    except ValueError as err:
        raise CliError(f"{args.file}: {err}") from None
    if interactive:
        sys.stderr.write("\n")
    if result.status != "done" and result.stopped_reason:
        print(f"stopped: {result.stopped_reason}")
    final = result.history[-1] if result.history else float("nan")
    print(f"trained {result.epochs_done} epoch(s); final loss {fmt(final, 9)}")
    if args.save:
        doc.model = result.model
        try:
            save(doc, args.save)
        except (OSError, ValueError) as err:          # ValueError: FileFormatError, a weight JSON cannot hold
            raise CliError(f"could not save {args.save}: {err}") from None
        print(f"saved {args.save}")
    return 3 if result.status == "diverged" else 0


# -- gradcheck -----------------------------------------------------------------
def cmd_gradcheck(args) -> int:
    doc = _load(args.file)
    if args.sample is not None:
        _sample(doc, args.sample)             # out of range: one message, before any work
    rows = gradcheck(doc.model, sample_index=args.sample, inputs=True)
    print(f"{'name':<14} {'backprop':>16} {'numerical':>16} {'rel. error':>11}")
    worst = 0.0
    for r in rows:
        worst = max(worst, r.relative_error)
        print(f"{r.name:<14} {fmt(r.backprop, 10):>16} {fmt(r.numerical, 10):>16} {r.relative_error:>11.2e}")
    bad = [r.name for r in rows if not (math.isfinite(r.backprop) and math.isfinite(r.numerical))]
    if bad:
        print(f"NOT FINITE: {', '.join(bad[:6])}{' ...' if len(bad) > 6 else ''} "
              f"(an infinite or NaN gradient cannot be checked)")
        return 1
    ok = worst < args.tolerance
    print(f"{'OK' if ok else 'MISMATCH'}: largest relative error {worst:.2e} (tolerance {args.tolerance:g})")
    return 0 if ok else 1


# -- export (rendering lives in the UI package) --------------------------------
def cmd_export(args) -> int:
    doc = _load(args.file)
    if args.format == "torch":
        return _export_torch(doc, args.out)
    try:
        from .ui import export_request, export_tables, export_write  # Qt-free: a table needs no Qt
    except ImportError as err:
        raise CliError(f"export is not available: {err}") from None
    try:
        if export_request.infer_format(args.out, args.format) in export_request.TABLE_FORMATS:
            written, fmt, what = export_tables.export_table(doc, args.out, args.format, args.steps, args.sample,
                                                            args.digits, args.motion)
        else:
            from .ui import export as rendering  # see the note under the imports
            written, fmt, what = rendering.export_document(doc, args.out, args.format, args.view, args.size,
                                                           args.steps, args.sample, progress=_frames_bar(),
                                                           digits=args.digits, motion=args.motion)
    except ImportError as err:
        raise CliError(f"export is not available: {err}") from None
    except export_write.ExportError as err:
        raise CliError(f"visualnn export: {err}", 2) from None
    except export_write.ExportCancelled:
        raise CliError("visualnn export: cancelled; nothing was written", 1) from None
    if fmt in ("frames", "svgframes"):
        print(f"wrote {len(written)} frames ({what}) to {args.out}")
    else:
        tables = fmt in export_request.TABLE_FORMATS
        print(f"wrote {written[0]}" + ("" if tables else f" ({what})"))
    return 0


def _export_torch(doc, out: str) -> int:
    from .convert.to_torch import NotExportable, torch_script  # see the note under the imports
    try:
        text = torch_script(doc.model)
    except NotExportable as err:
        raise CliError(f"visualnn export: {doc.path}: {err}", 2) from None
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as err:
        raise CliError(f"visualnn export: cannot write {out}: {err.strerror or err}", 1) from None
    print(f"wrote {out} (a PyTorch script: python {out} [EPOCHS])")
    return 0


# -- import (models trained elsewhere) ----------------------------------------
def cmd_import(args) -> int:
    from .convert import ImportRefused, import_model  # see the note under the imports
    acts = [a.strip() for a in args.activations.split(",")] if args.activations else None
    try:
        doc = import_model(args.model, acts, args.data, args.loss)
        save(doc, args.out)
    except ImportRefused as err:
        raise CliError(f"visualnn import: {err}", 2) from None
    except OSError as err:
        raise CliError(f"visualnn import: cannot save {args.out}: {err}", 1) from None
    spec = doc.model.spec
    print(f"wrote {args.out}: layered {'-'.join(map(str, spec.sizes))}, activations "
          f"{', '.join(L.activation for L in spec.layers)}, {len(doc.model.data)} sample(s)")
    return 0


def _frames_bar(stream=None):
    """A progress bar for rendered frames on stderr; a log file (not a terminal) gets a
    line at every tenth of the frames instead, so a long export shows it is alive."""
    stream = stream or sys.stderr
    state = {"last": -1}
    tty = stream.isatty()

    def progress(done, total):
        if not tty:
            tenth = 10 * done // max(total, 1)
            if tenth != state["last"]:
                state["last"] = tenth
                stream.write(f"exported {done}/{total} frames\n")
                stream.flush()
            return True
        width = 30
        filled = int(width * done / max(total, 1))
        if filled != state["last"] or done == total:
            state["last"] = filled
            stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} frames")
            if done >= total:
                stream.write("\n")
            stream.flush()
        return True
    return progress


def _positive_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {v}")
    return v


def _positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise CliError(f"{self.prog}: {message}\n(see '{self.prog} --help')", 2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="visualnn", description="See a neural network compute and learn, one operation at a time.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    c = sub.add_parser("check", help="validate a network file and summarise it")
    c.add_argument("file")
    t = sub.add_parser("trace", help="print every forward and backward operation of one sample")
    t.add_argument("file")
    t.add_argument("--sample", type=int, default=0, help="which sample (from 0)")
    t.add_argument("--json", action="store_true", help="the documented JSON trace format")
    t.add_argument("--gates", action="store_true", help="expand neurons to mul and add gates")
    t.add_argument("--digits", type=_positive_int, default=6, help="significant digits in the table")
    tr = sub.add_parser("train", help="train the network on its data")
    tr.add_argument("file")
    tr.add_argument("--epochs", type=_positive_int)
    tr.add_argument("--lr", type=_positive_float, help="learning rate")
    tr.add_argument("--optimizer", choices=sorted(OPTIMIZERS))
    tr.add_argument("--batch-size", type=_positive_int)
    tr.add_argument("--seed", type=int)
    tr.add_argument("--save", metavar="OUT", help="write the trained network here")
    gc = sub.add_parser("gradcheck", help="backprop versus central finite differences")
    gc.add_argument("file")
    gc.add_argument("--sample", type=int, default=None, help="one sample (default: the whole training set)")
    gc.add_argument("--tolerance", type=float, default=TOLERANCE)
    ex = sub.add_parser("export", help="render steps to PNG/SVG/GIF/MP4 or tables (no display needed)")
    ex.add_argument("file")
    ex.add_argument("--out", required=True)
    ex.add_argument("--steps", default="all", help="all (the start, then every step), N, a range A-B, or lecture")
    ex.add_argument("--format", choices=["png", "svg", "gif", "mp4", "md", "csv", "tex", "torch"], default=None,
                    help="torch: a runnable PyTorch script building and training the same network")
    ex.add_argument("--size", default=None, help="WxH, e.g. 1920x1080")
    ex.add_argument("--view", choices=["graph", "window", "activation", "surface"], default="graph")
    ex.add_argument("--sample", type=int, default=0)
    ex.add_argument("--digits", type=int, default=None, help="decimals shown, 1-12 (as View > Digits)")
    ex.add_argument("--motion", type=int, default=0, metavar="N",
                    help="GIF, MP4 and frames: N in-between frames per step, the window's motion (values along "
                         "their edges, gradients back, weight colours fading); 0: the steps alone")
    im = sub.add_parser("import", help="a PyTorch (.pt, .pt2), ONNX (.onnx) or NumPy (.npz) model as a network file")
    im.add_argument("model")
    im.add_argument("--out", required=True, help="the network file to write")
    im.add_argument("--activations", help="one per layer, comma-separated (state dicts and .npz files)")
    im.add_argument("--data", help="samples (.csv or .npy), one row each: the inputs, then the targets")
    im.add_argument("--loss", help="the loss (default mse when the data has targets)")
    return p


HANDLERS = {"check": cmd_check, "trace": cmd_trace, "train": cmd_train, "gradcheck": cmd_gradcheck,
            "export": cmd_export, "import": cmd_import}


def _say(message: str) -> None:
    if len(message) > MAX_MESSAGE:
        message = f"{message[:MAX_MESSAGE]}\n... ({len(message) - MAX_MESSAGE:,} more characters)"
    print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    for stream in (sys.stdout, sys.stderr):    # a name the terminal cannot encode prints escaped, not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
            if len(argv) > 1:
                raise CliError(f"visualnn: expected at most one file to open, got {len(argv)} arguments\n"
                               f"(commands: {', '.join(COMMANDS)}; see 'visualnn --help')", 2)
            if argv and not Path(argv[0]).exists():
                raise CliError(f"visualnn: {argv[0]}: no such file", 2)
            from .app import run  # see the note under the imports
            return run(argv[0] if argv else None)
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 0
        return HANDLERS[args.command](args)
    except CliError as err:
        _say(str(err))
        return err.code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        _say("visualnn: out of memory; the work asked for is too big for this machine")
        return EXIT_INTERNAL
    except Exception as err:               # a bug: one line saying so, not a traceback
        _say(f"visualnn: internal error, please report it: {type(err).__name__}: {err}")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
