"""Run every benchmark (engine, view, plots, peers, export, soak) in one process
and write the Markdown table the README's Performance section shows.

    python benchmarks/run_all.py            # everything, the 1,000,000-step soak included
    python benchmarks/run_all.py --quick    # a 100,000-step soak instead
    python benchmarks/run_all.py --no-readme

Writes docs/performance.md and replaces the README's table between the
``<!-- performance:start -->`` and ``<!-- performance:end -->`` markers.
"""
from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

START, END = "<!-- performance:start -->", "<!-- performance:end -->"


def _ms(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:,.2f} ms" if x < 1000 else f"{x / 1000:,.2f} s"


def _verdict(ok) -> str:
    return "" if ok is None else ("PASS" if ok else "**MISS**")


def rows_engine(mod):
    for r in mod.results():
        target, ok = "", None
        if "target_ms" in r:
            target, ok = f"< {r['target_ms']:g} ms", r["ms"] < r["target_ms"]
        elif "target_ratio" in r:
            target, ok = f"≤ {r['target_ratio']:g}× NumPy by hand", r["ratio"] <= r["target_ratio"]
        figure = _ms(r["ms"]) + (f" ({r['ratio']:.2f}×)" if "ratio" in r else "")
        yield r["what"].strip(), figure, target, _verdict(ok)


def rows_view(mod):
    for r in mod.results():
        edges = f", {r['edges']:,} edges" if r.get("edges") else ""
        target = f"< {r['target_ms']:g} ms" if r.get("strict") or r["network"].startswith("launch") else "(information)"
        ok = r["pass"] if (r.get("strict") or r["network"].startswith("launch")) else None
        what = (f"step → repainted view, {r['network']}{edges} (median)" if r.get("edges")
                else r["network"])
        yield what, _ms(r["median_ms"]), target, _verdict(ok)


def rows_plain(mod):
    for r in mod.results():
        ms = r.get("ms")
        target, ok = "", None
        if "target_ms" in r and ms is not None and not math.isnan(ms):
            target, ok = f"< {r['target_ms']:g} ms", ms < r["target_ms"]
        figure = _ms(ms) + (f" ({r['ratio']:.2f}×)" if "ratio" in r else "")
        if "size_kb" in r:
            figure += f", {r['size_kb']:,.0f} KB"
        yield r["what"].strip(), figure, target, _verdict(ok)


def rows_peers(mod):
    for r in mod.results():
        if r.get("skipped"):
            yield f"{r['workload']}: {r['what']}", "", "", "skipped"
            continue
        figure = _ms(r["ms"]) + f" ({r['ratio']:,.1f}× visualnn)"
        yield f"{r['workload']}: {r['what']}", figure, r.get("target", ""), _verdict(r.get("ok"))


def rows_soak(mod, steps):
    for r in mod.results(steps=steps, every=max(steps // 5, 1), out=lambda *a: None):
        figure = (f"{r['us_per_step']:.0f} µs/step; memory blocks +{r['blocks_growth']:,}, "
                  f"RSS +{r['rss_growth_mb']:.1f} MB")
        yield r["what"], figure, "flat memory, exact parameters", _verdict(r["ok"])


SECTIONS = [("engine", "Engine", rows_engine), ("view", "Graph view", rows_view),
            ("plots", "Plots", rows_plain), ("peers", "Against PyTorch, NumPy and micrograd", rows_peers),
            ("export", "Export", rows_plain), ("soak", "Soak", None)]


def machine() -> str:
    try:
        import numpy
        np_v = numpy.__version__
    except ImportError:
        np_v = "?"
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"NumPy {np_v}{load}; {time.strftime('%Y-%m-%d')}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a 100,000-step soak instead of 1,000,000")
    ap.add_argument("--no-readme", action="store_true", help="do not update README.md")
    args = ap.parse_args(argv)
    lines = [f"Measured by `python benchmarks/run_all.py` on {machine()}.", "",
             "| benchmark | figure | target | result |", "|---|---|---|---|"]
    for module, title, fn in SECTIONS:
        print(f"running {module} ...", file=sys.stderr, flush=True)
        try:
            mod = importlib.import_module(module)
            rows = list(rows_soak(mod, 100_000 if args.quick else 1_000_000) if fn is None else fn(mod))
        except Exception as err:  # a broken benchmark is reported in the table, the others still run
            rows = [(f"{module}: failed", f"{type(err).__name__}: {err}", "", "**ERROR**")]
        lines.append(f"| **{title}** | | | |")
        for what, figure, target, verdict in rows:
            lines.append(f"| {what} | {figure} | {target} | {verdict} |")
    table = "\n".join(lines) + "\n"
    print(table)
    (ROOT / "docs" / "performance.md").write_text("# Performance\n\n" + table, encoding="utf-8")
    if not args.no_readme:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            tmp = readme.with_suffix(".md.tmp")
            tmp.write_text(head + START + "\n" + table + END + tail, encoding="utf-8")
            os.replace(tmp, readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
