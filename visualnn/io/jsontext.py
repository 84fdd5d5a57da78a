"""JSON text in and out, strictly.

Parsing never lets a bad number through silently: ``NaN``/``Infinity`` tokens
and numbers too big for a float (``1e999``, a 5,000-digit integer) become
``NonFinite`` markers that validation reports at their place, and a repeated
key in an object is remembered so it can be reported instead of the last one
quietly winning.  Writing keeps short lists and objects on one line, so a
weight matrix reads as a matrix.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable

from .limits import MAX_DEPTH

MAX_INT_DIGITS = 300      # any integer this long still converts to a finite float
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class NonFinite:
    """A number JSON cannot carry faithfully: NaN, +-Infinity, or out of float range."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"NonFinite({self.text!r})"


class JsonObject(dict):
    """A parsed JSON object that remembers keys it saw more than once."""
    __slots__ = ("duplicates",)
    duplicates: list[str]


def _pairs(pairs):
    obj = JsonObject(pairs)
    dups: list = []
    if len(obj) != len(pairs):                 # rare: only then look for the repeated keys
        seen: set = set()
        for k, _ in pairs:
            if k in seen and k not in dups:
                dups.append(k)
            seen.add(k)
    obj.duplicates = dups
    return obj


def _float(text: str):
    x = float(text)
    return x if math.isfinite(x) else NonFinite(text)


def _int(text: str):
    digits = len(text) - (text[0] == "-")
    if digits <= MAX_INT_DIGITS:
        return int(text)
    return NonFinite(text if digits <= 40 else f"{text[:20]}...({digits} digits)")


class JsonSyntaxError(Exception):
    def __init__(self, place: str, message: str):
        super().__init__(message)
        self.place = place
        self.message = message


def parse(text: str):
    """The JSON value of ``text``; raises ``JsonSyntaxError`` with a line/column place."""
    if not text.strip():
        raise JsonSyntaxError("", "the file is empty; expected a JSON object")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_int=_int,
                          parse_constant=NonFinite)
    except json.JSONDecodeError as e:
        raise JsonSyntaxError(f"line {e.lineno}, column {e.colno}", f"not valid JSON: {e.msg}") from None
    except RecursionError:
        raise JsonSyntaxError("", f"arrays and objects are nested too deeply (at most {MAX_DEPTH} levels)") from None


def visible(s: str) -> str:
    """``s`` with every character that is not printable written as an escape
    (``\\u202e``), so a message never carries a bidi override or a lone surrogate."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for c in s)


def describe(value) -> str:
    """How a value reads in a message: 'the text "abc"', 'a list of 3 items', 'null'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, NonFinite):
        return value.text
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        s = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {visible(json.dumps(s, ensure_ascii=False))}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def may_hold_surrogates(text: str) -> bool:
    """Whether JSON ``text`` has a ``\\ud800``-``\\udfff`` escape (the only way to write a lone surrogate)."""
    return _SURROGATE_ESCAPE.search(text) is not None


# what a container may hold without its items being looked at one by one (its types are
# taken at C speed first: a [784,64,10] file has 50,890 numbers in a few containers)
_PLAIN = frozenset({int, float, bool, type(None)})
_PLAIN_OR_TEXT = _PLAIN | {str}


def walk(value, place: str, problems, surrogates: bool = True) -> None:
    """Report, anywhere in a parsed value, non-finite numbers, repeated keys and
    nesting deeper than ``MAX_DEPTH`` (iteratively: depth cannot overflow the stack)."""
    def bad_number(v, p):
        problems.add(p, f"expected a finite number, got {v.text} (JSON numbers must be finite "
                        f"and within about ±1.8e308)")

    def bad_text(p):
        problems.add(p, "the text holds a lone surrogate (a \\ud800-\\udfff escape that is half a character); "
                        "text must be valid UTF-8")

    if isinstance(value, NonFinite):
        bad_number(value, place)
        return
    if surrogates and isinstance(value, str) and _SURROGATE.search(value):
        bad_text(place)
        return
    stack = [(value, place, 0)] if isinstance(value, (dict, list)) else []
    while stack:
        v, p, depth = stack.pop()
        if depth >= MAX_DEPTH:
            problems.add(p, f"nested too deeply: at most {MAX_DEPTH} levels of arrays and objects")
            continue
        if isinstance(v, dict):
            for k in v if surrogates else ():
                if _SURROGATE.search(k):
                    bad_text(join(p, k))
            for k in getattr(v, "duplicates", ()):
                problems.add(join(p, k), "this key appears more than once in the same object; "
                                         "keep one (JSON would silently use the last)")
            items: Iterable[tuple[Any, Any]] = v.items()
            kinds = set(map(type, v.values()))
        else:
            items = enumerate(v)
            kinds = set(map(type, v))
        if kinds <= (_PLAIN if surrogates else _PLAIN_OR_TEXT):
            continue        # only numbers (and text without surrogates): nothing in it to report
        later = []
        for k, x in items:
            if isinstance(x, (dict, list)):
                later.append((x, join(p, k) if isinstance(v, dict) else f"{p}[{k}]", depth + 1))
            elif isinstance(x, NonFinite):
                bad_number(x, join(p, k) if isinstance(v, dict) else f"{p}[{k}]")
            elif surrogates and isinstance(x, str) and _SURROGATE.search(x):
                bad_text(join(p, k) if isinstance(v, dict) else f"{p}[{k}]")
        stack.extend(reversed(later))


def join(place: str, key) -> str:
    key = str(key)
    simple = key.isidentifier() and key.isprintable()
    part = key if simple else visible(json.dumps(key, ensure_ascii=False))
    if not place:
        return part if simple else f"[{part}]"
    return f"{place}.{part}" if simple else f"{place}[{part}]"


# -- writing ------------------------------------------------------------------
LINE = 100


try:
    from _json import encode_basestring as _quote
except ImportError:                       # pragma: no cover - pure-Python json
    from json.encoder import py_encode_basestring as _quote


def _scalar(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"{v!r} is not a JSON number")
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else float.__repr__(v)
    if isinstance(v, str):
        return _quote(v)
    raise TypeError(f"{type(v).__name__} is not a JSON value")


def dumps_value(value, indent: int = 2) -> str:
    """Pretty JSON: containers that fit on a line stay on one line."""
    return _dump(value, 0, indent) + "\n"


class _TooLong(Exception):
    pass


def _flat(v, budget: int) -> str | None:
    """``v`` on one line, or None if that is longer than ``budget``."""
    try:
        out = _flat_parts(v, [budget])
    except _TooLong:
        return None
    return out


def _flat_parts(v, budget: list) -> str:
    if isinstance(v, dict):
        parts = [f"{_quote(str(k))}: {_flat_parts(x, budget)}" for k, x in v.items()]
        text = "{" + ", ".join(parts) + "}"
    elif isinstance(v, list):
        text = "[" + ", ".join(_flat_parts(x, budget) for x in v) + "]"
    else:
        text = _scalar(v)
        budget[0] -= len(text) + 2
    if budget[0] < 0:
        raise _TooLong
    return text


def _dump(v, level: int, indent: int) -> str:
    if not isinstance(v, (dict, list)):
        return _scalar(v)
    if v and not (isinstance(v, list) and len(v) > 1 and any(isinstance(x, dict) for x in v)):
        flat = _flat(v, LINE - level * indent)
        if flat is not None and len(flat) + level * indent <= LINE:
            return flat
    if not v:
        return "{}" if isinstance(v, dict) else "[]"
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(v, dict):
        body = [f"{pad}{_quote(str(k))}: {_dump(x, level + 1, indent)}" for k, x in v.items()]
        return "{\n" + ",\n".join(body) + "\n" + end + "}"
    if all(not isinstance(x, (dict, list)) for x in v):
        # a long row of numbers: wrap it, many to a line
        lines, cur = [], ""
        for s in (_scalar(x) for x in v):
            if cur and len(cur) + len(s) + 2 + len(pad) > LINE:
                lines.append(cur + ",")
                cur = s
            else:
                cur = f"{cur}, {s}" if cur else s
        lines.append(cur)
        return "[\n" + "\n".join(pad + line for line in lines) + "\n" + end + "]"
    body = [pad + _dump(x, level + 1, indent) for x in v]
    return "[\n" + ",\n".join(body) + "\n" + end + "]"
