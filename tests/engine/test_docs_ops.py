"""docs/file-format.md documents every op and loss: its table is the one the ops write."""
from pathlib import Path

from visualnn.engine.ops import OPS
from visualnn.engine.ops.reference import reference_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "file-format.md"


def test_the_file_format_lists_every_op_with_formula_derivative_special_points_and_torch():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- ops-reference")
    body = text[text.index("\n", start) + 1:text.index("<!-- /ops-reference -->")]
    assert body == reference_markdown(), "regenerate the table with visualnn.engine.ops.reference"
    for name, op in OPS.items():
        if name != "identity":
            assert f"| `{name}`" in body and op.derivative.replace("|", "\\|") in body and op.torch
