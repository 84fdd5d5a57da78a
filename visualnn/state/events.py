"""Plain events: the session model's news, without Qt.

A model owns one ``Event`` per kind of news; listeners ``connect`` a callable
and are called in order with what the model ``emit``s.  The Qt adapter
(``visualnn.ui.session``) connects one re-emitting slot per event.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[..., Any]


class Event:
    """One kind of news and the callables listening to it."""

    def __init__(self, name: str):
        self.name = name
        self._listeners: list[Listener] = []

    def connect(self, listener: Listener) -> Listener:
        self._listeners.append(listener)
        return listener

    def disconnect(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def emit(self, *args: Any) -> None:
        for listener in list(self._listeners):
            listener(*args)

    def __repr__(self) -> str:
        return f"Event({self.name!r}, {len(self._listeners)} listeners)"
