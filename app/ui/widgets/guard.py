"""Run database work for a widget, and drop the answer if the widget is gone by then.

A job can finish after its tab or dialog was closed (closing the window, a test tearing down);
touching the deleted C++ object would raise inside Qt's event loop.
"""

from __future__ import annotations

from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject


def guarded(owner: QObject, callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
    if callback is None:
        return None

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


def run_for(owner: QObject, runner, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> None:
    runner.run(work, guarded(owner, on_done), guarded(owner, on_error))
