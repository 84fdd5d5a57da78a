"""Issue 11's limits on the package (a newcomer reads a module in one sitting): no module
over 600 lines, no class over 400, no function over 60."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "visualnn"
LIMITS = {"module": 600, "class": 400, "function": 60}


def too_long() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE.parent)
        if len(src.splitlines()) > LIMITS["module"]:
            found.append(f"{name}: {len(src.splitlines())} lines")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                n = node.end_lineno - node.lineno + 1
                if n > LIMITS[kind]:
                    found.append(f"{name}:{node.lineno}: {kind} {node.name} is {n} lines")
    return found


def test_no_module_class_or_function_over_its_limit():
    assert too_long() == []
