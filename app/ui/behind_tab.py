"""A screen behind another tab does not read the database for changes nobody sees.

The packer's window sits on Packing all day; each scan publishes a change, and each sync cycle
ends with a fresh read of every listing. Orders and Back Market read those again only when the
user brings them to the front (their showEvent), so the scans do not share the interpreter and
the two cores with reads of screens no one is looking at.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def behind_another_tab(widget: QWidget) -> bool:
    """True when the widget's window is on screen but the widget is not (another tab is in front).

    A widget whose window was never shown (a test building one screen) is not behind anything:
    it keeps reading at once."""
    return widget.window().isVisible() and not widget.isVisible()
