"""Unhandled errors: logged at ERROR (redacted), and shown in a dialog that says where the log is.

Installed as `sys.excepthook` when the GUI starts. Without it, PySide prints an exception raised
in a slot to a console nobody at a packing bench sees, and the log holds nothing.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.logs import log_file, redact

log = logging.getLogger(__name__)

_previous = None
_open_dialogs: list[QMessageBox] = []  # a shown dialog must outlive the hook call


def report_unhandled(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> QMessageBox | None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return None
    log.error("Unexpected error", exc_info=(kind, error, tb))
    if QApplication.instance() is None:
        return None
    if _open_dialogs:  # an error in a paint or timer slot repeats: one dialog, every one logged
        return _open_dialogs[-1]
    message = redact(str(error).strip()) or kind.__name__
    box = QMessageBox(QMessageBox.Icon.Critical, "RefurbDesk — unexpected error",
                      f"Something went wrong: {message}")
    box.setObjectName("unexpected_error")
    box.setInformativeText(f"What you were doing may not have finished. The details are in the log: {log_file()}")
    _open_dialogs.append(box)
    box.finished.connect(lambda _result, box=box: _forget(box))
    box.open()  # never a nested event loop inside an exception handler
    return box


def _forget(box: QMessageBox) -> None:
    if box in _open_dialogs:
        _open_dialogs.remove(box)
        box.deleteLater()


def install() -> None:
    global _previous
    if sys.excepthook is not report_unhandled:
        _previous = sys.excepthook
        sys.excepthook = report_unhandled


def uninstall() -> None:
    global _previous
    if sys.excepthook is report_unhandled:
        sys.excepthook = _previous or sys.__excepthook__
        _previous = None
