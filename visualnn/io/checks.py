"""Typed expectations for parsed JSON values, each reporting what it expected.

Every check returns the checked value, or ``None`` after adding a problem, so
validation goes on and finds the next problem too.  ``NonFinite`` numbers were
already reported by ``jsontext.walk``; checks skip them without a second message.
"""
from __future__ import annotations

import difflib
import math
import unicodedata

from .errors import Problems
from .jsontext import NonFinite, describe, join
from .limits import MAX_NAME_LENGTH

# not printable in a name: controls, format characters (bidi overrides, zero-width
# spaces and joiners), surrogates, private-use and unassigned code points, line separators
REFUSED_CATEGORIES = {"Cc": "a control character", "Cf": "an invisible formatting character (bidi or zero-width)",
                      "Cs": "a lone surrogate (not valid UTF-8)", "Co": "a private-use character",
                      "Cn": "an unassigned character", "Zl": "a line separator", "Zp": "a paragraph separator"}


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def unprintable(s: str) -> tuple[int, str, str] | None:
    """(index, character, what it is) of the first character a name may not hold, or None."""
    if s.isprintable():         # at C speed: no refused category is printable (checked for every code point)
        return None
    for k, c in enumerate(s):
        kind = REFUSED_CATEGORIES.get(unicodedata.category(c))
        if kind is not None:
            return k, c, kind
    return None


def character(c: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: a character named so it can be found."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" {name}" if name else "")


def listing(names, limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def suggestion(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6) if len(str(word)) < 100 else []
    return f" (did you mean {close[0]!r}?)" if close else ""


class Checker:
    def __init__(self, problems: Problems):
        self.problems = problems
        self.failures = 0            # failed checks, including non-finite numbers reported earlier

    def add(self, place: str, message: str) -> None:
        self.problems.add(place, message)
        self.failures += 1

    def _skip(self, v) -> bool:
        """A NonFinite value was reported already: fail quietly."""
        if isinstance(v, NonFinite):
            self.failures += 1
            return True
        return False

    # -- containers -------------------------------------------------------------
    def obj(self, v, place: str, what: str = "an object") -> dict | None:
        if isinstance(v, dict):
            return v
        if not self._skip(v):
            self.add(place, f"expected {what}, got {describe(v)}")
        return None

    def lst(self, v, place: str, what: str = "a list") -> list | None:
        if isinstance(v, list):
            return v
        if not self._skip(v):
            self.add(place, f"expected {what}, got {describe(v)}")
        return None

    def keys(self, obj: dict, place: str, allowed, required=()) -> None:
        """Unknown keys (usually typos) and missing required keys."""
        allowed = list(allowed)
        for k in obj:
            if k not in allowed:
                self.add(join(place, k), f"unknown key {k!r}{suggestion(k, allowed)}; "
                                         f"expected one of: {listing(allowed, 20)}")
        for k in required:
            if k not in obj:
                self.add(join(place, k), "missing; this key is required")

    # -- scalars ------------------------------------------------------------------
    def string(self, v, place: str, what: str = "a text string") -> str | None:
        if isinstance(v, str):
            return v
        if not self._skip(v):
            self.add(place, f"expected {what}, got {describe(v)}")
        return None

    def name(self, v, place: str, what: str = "a name") -> str | None:
        if type(v) is str and v and v.isprintable() and len(v) <= MAX_NAME_LENGTH and v.strip() == v:  # noqa: E721
            return v            # the usual name, at C speed (a [784,64,10] file has 51,759)
        s = self.string(v, place, f"{what} (a text string)")
        if s is None:
            return None
        if not s.strip():
            self.add(place, f"expected {what}, got an empty name")
            return None
        if len(s) > MAX_NAME_LENGTH:
            self.add(place, f"{what} is {len(s)} characters long; at most {MAX_NAME_LENGTH} are allowed")
            return None
        bad = unprintable(s)
        if bad is not None:
            k, c, kind = bad
            self.add(place, f"{what} {s!r} contains {character(c)} at character {k + 1}, {kind}; names may hold "
                            f"only printable characters (no controls, bidi overrides or zero-width characters)")
            return None
        if s != s.strip():
            self.add(place, f"{what} {s!r} starts or ends with a space")
            return None
        return s

    def number(self, v, place: str, what: str = "a number", *, lo=None, hi=None, lo_open: bool = False,
               integer: bool = False) -> float | int | None:
        if self._skip(v):
            return None
        if not is_number(v):
            self.add(place, f"expected {what}, got {describe(v)}")
            return None
        if integer:
            if isinstance(v, float):
                if not v.is_integer():
                    self.add(place, f"expected {what} (a whole number), got {v!r}")
                    return None
                v = int(v)
        elif not math.isfinite(float(v)):
            self.add(place, f"expected {what}, got {v!r}")
            return None
        if lo is not None and (v < lo or (lo_open and v == lo)):
            self.add(place, f"expected {what} {'above' if lo_open else 'of at least'} {lo:g}, got {_num(v)}")
            return None
        if hi is not None and v > hi:
            self.add(place, f"expected {what} of at most {_num(hi)}, got {_num(v)}")
            return None
        return v

    def boolean(self, v, place: str, what: str = "true or false") -> bool | None:
        if isinstance(v, bool):
            return v
        if not self._skip(v):
            self.add(place, f"expected {what}, got {describe(v)}")
        return None

    def choice(self, v, place: str, choices, what: str) -> str | None:
        s = self.string(v, place, what)
        if s is None:
            return None
        if s not in choices:
            self.add(place, f"unknown {what} {s!r}{suggestion(s, choices)}; known: {listing(choices, 40)}")
            return None
        return s


def _num(v) -> str:
    if isinstance(v, int) and abs(v) >= 10_000:
        return f"{v:,}"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) < 1e15):
        return f"{int(v):,}" if abs(v) >= 10_000 else str(int(v))
    return f"{v:g}"
