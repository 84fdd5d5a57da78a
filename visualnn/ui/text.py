"""Text from a file, shown by Qt as text: never interpreted as rich text.

A name, title, description or caption comes from a file someone else wrote. Qt
reads text that *might* be rich text (``Qt.AutoText``, the default of labels,
tooltips and message boxes) as HTML: ``<img src="/dev/zero">`` in a node name
would make it read /dev/zero. Every place the window shows such text goes
through this module:

- ``plain_label`` / ``set_plain``: a ``QLabel`` in ``Qt.PlainText``;
- ``markup``: visualnn's own rich text (``<b>``, ``<br>``) with every value escaped;
- ``tooltip``: a tooltip that shows its text as written;
- ``ask``: a message box in ``Qt.PlainText``, its text shortened to what a box can show;
- ``window_title`` and ``menu_text``: one line, no ``[*]`` placeholder, no ``&`` mnemonic.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

MAX_SHOWN = 4000            # characters of a message a box shows (a cycle error can be megabytes)
MAX_LINE = 300              # characters of a window title, a menu entry, a tooltip line
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

ICONS = {"critical": QMessageBox.Critical, "warning": QMessageBox.Warning,
         "information": QMessageBox.Information, "question": QMessageBox.Question}


def shorten(text, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def one_line(text, limit: int = MAX_LINE) -> str:
    """``text`` on one line: control characters become spaces."""
    return shorten(_CONTROL.sub(" ", str(text)), limit)


def isolate(text) -> str:
    """``text`` as written, but its bidi controls (a right-to-left override in a title)
    cannot reorder the text around it: wrapped in a first-strong isolate when it has any."""
    text = str(text)
    return f"\u2068{text}\u2069" if _BIDI.search(text) else text


def escape(value) -> str:
    """``value`` as rich text that shows exactly its characters."""
    return html.escape(str(value), quote=False)


def markup(template: str, *args, **values) -> str:
    """visualnn's own rich text (``template``) with every value escaped; always
    read as rich text (``<qt>``), so that ``&lt;`` shows as ``<``."""
    body = template.format(*(escape(a) for a in args), **{k: escape(v) for k, v in values.items()})
    return f"<qt>{body}</qt>"


def tooltip(text) -> str:
    """A tooltip showing ``text`` as written (Qt guesses whether a tooltip is rich text)."""
    return "<qt>" + escape(shorten(text, MAX_SHOWN)).replace("\n", "<br>") + "</qt>"


def set_plain(label: QLabel, text) -> None:
    label.setTextFormat(Qt.PlainText)
    label.setText(str(text))


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A ``QLabel`` that shows its text as plain text, whatever it holds."""
    lab = QLabel(parent)
    set_plain(lab, text)
    return lab


def rich_label(parent: QWidget | None = None) -> QLabel:
    """A ``QLabel`` for visualnn's own markup; give it text made by ``markup``."""
    lab = QLabel(parent)
    lab.setTextFormat(Qt.RichText)
    return lab


def window_title(text) -> str:
    """A window title from a file's title: one line, and a ``[*]`` in it is not
    Qt's modified-placeholder."""
    return isolate(one_line(text).replace("[*]", "[\u2217]"))


def menu_text(text) -> str:
    """A menu entry from a file's title: one line, ``&`` shown, not a shortcut."""
    return isolate(one_line(text).replace("&", "&&"))


def message_box(parent, kind: str, title: str, text, buttons=QMessageBox.Ok,
                default=QMessageBox.NoButton, labels: dict | None = None) -> QMessageBox:
    box = QMessageBox(ICONS[kind], one_line(title), "", buttons, parent)
    box.setTextFormat(Qt.PlainText)
    box.setText(shorten(text))
    if default != QMessageBox.NoButton:
        box.setDefaultButton(default)
    for button, label in (labels or {}).items():
        box.button(button).setText(label)
    return box


def ask(parent, kind: str, title: str, text, buttons=QMessageBox.Ok,
        default=QMessageBox.NoButton, labels: dict | None = None) -> QMessageBox.StandardButton:
    """Show a message box (``kind``: critical, warning, information, question)
    with ``text`` as plain text; ``labels`` names buttons (``{QMessageBox.Yes:
    "Replace"}``). Returns the button clicked."""
    box = message_box(parent, kind, title, text, buttons, default, labels)
    return QMessageBox.StandardButton(box.exec())


def critical(parent, title: str, text) -> QMessageBox.StandardButton:
    return ask(parent, "critical", title, text)
