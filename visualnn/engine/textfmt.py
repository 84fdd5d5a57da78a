"""Numbers as the lecture prints them (Qt-free, used by explain, the ops' formula
text and the non-finite reports), and in significant digits (the CLI, the plots):
the one number formatter, everything else imports it.

``digits`` places after the point, trailing zeros dropped, but at least two
significant digits for small numbers, so the lecture's 0.082167041 prints as
0.08217 with 5 digits and 0.000438568 does not vanish.
"""
from __future__ import annotations

import math

MIN_SIGNIFICANT = 2


def fmt(x, digits: int = 4) -> str:
    """A number as the lecture prints it: ``digits`` decimals, zeros trimmed."""
    if x is None:
        return "–"
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    if mag >= 7 or mag < -10:
        s = f"{x:.{max(digits, MIN_SIGNIFICANT) - 1}e}"
        mant, exp = s.split("e")
        if "." in mant:
            mant = mant.rstrip("0").rstrip(".")
        return f"{mant}e{int(exp)}"
    decimals = max(digits, MIN_SIGNIFICANT - 1 - mag)
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def significant(x, digits: int = 4) -> str:
    """A number in ``digits`` significant digits (Python's ``g``) for the CLI's columns and
    the plots' readouts: ``-`` for none, nan and inf as Python writes them, zero as ``0``."""
    if x is None:
        return "-"
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def operand(x, digits: int = 4) -> str:
    """An operand: negative numbers in parentheses."""
    s = fmt(x, digits)
    return f"({s})" if s.startswith("-") else s


def setting(v) -> str:
    """An op setting (a constant, an exponent, a base) in full precision."""
    return fmt(v, 6) if isinstance(v, (int, float)) else str(v)


def and_list(xs) -> str:
    """``a, b and c``; long lists end ``... and 12 more``."""
    xs = list(xs)
    if len(xs) <= 1:
        return "".join(xs)
    if len(xs) > 6:
        return ", ".join(xs[:5]) + f" and {len(xs) - 5} more"
    return ", ".join(xs[:-1]) + " and " + xs[-1]


def d(top: str, bottom: str) -> str:
    """The partial derivative ∂top/∂bottom."""
    return f"∂{top}/∂{bottom}"
