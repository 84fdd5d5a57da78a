"""Dock panels that do no work while nobody can see them."""
from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SeenAware(Protocol):
    """A docked panel that wants to know whether it can be seen: the window
    wires ``set_seen`` to its dock's ``visibilityChanged``."""

    def set_seen(self, seen: bool) -> None: ...


class RefreshWhenSeen:
    """A panel whose ``refresh`` is skipped while its dock is closed or behind
    another tab, and done once when it is seen again.  The window wires
    ``set_seen`` to the dock's ``visibilityChanged``; ``None`` means no dock
    reports it (the panel always refreshes)."""

    _seen: bool | None = None
    _stale: bool = False

    def refresh(self, *_) -> None:
        raise NotImplementedError

    def set_seen(self, seen: bool) -> None:
        """Whether the panel can be seen (its dock is open and not behind another tab)."""
        self._seen = bool(seen)
        if self._seen and self._stale:
            self.refresh()

    def unseen_now(self) -> bool:
        """True while nobody can see the panel: the refresh is owed until it is seen."""
        self._stale = self._seen is False
        return self._stale
