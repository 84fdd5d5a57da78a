"""A tuple made on first use: trace records that cost more to make than to skip."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


class LazyTuple(Sequence[T]):
    """``n`` records made by ``make()`` when first read (then kept); compares as a tuple."""
    __slots__ = ("_make", "_n", "_items")

    def __init__(self, n: int, make: Callable[[], Sequence[T]]):
        self._n = n
        self._make: Callable[[], Sequence[T]] | None = make
        self._items: tuple[T, ...] | None = None

    def _all(self) -> tuple[T, ...]:
        if self._items is None:
            assert self._make is not None
            self._items = tuple(self._make())
            self._make = None                 # what it reads can go
        return self._items

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, k):
        return self._all()[k]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, LazyTuple)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())
