"""What the purchasing pages share: a table view, money and words for errors, injectable asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHeaderView, QInputDialog, QLabel, QTableView,
                               QWidget)

from app.domain.errors import DomainError

REFUSED_STYLE = "color: #b71c1c;"
DONE_STYLE = "color: #1b5e20;"


def table(model, parent: QWidget | None = None, *, stretch: int | None = None, name: str = "") -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    if name:
        view.setObjectName(name)
    return view


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def words(exc: Exception) -> str:
    """A refusal in the service's words; anything else as a short line (the log has the rest)."""
    return str(exc) if isinstance(exc, DomainError) else f"That did not work ({type(exc).__name__}: {exc})."


def say(label: QLabel, text: str, *, refused: bool = False) -> None:
    label.setStyleSheet(REFUSED_STYLE if refused else DONE_STYLE)
    label.setText(text)


def _open_csv(parent: QWidget, title: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", "CSV files (*.csv);;All files (*)")
    return path


def _save_pdf(parent: QWidget, title: str, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "PDF files (*.pdf)")
    return path


def _text(parent: QWidget, title: str, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, prompt)
    return text if ok else None


@dataclass
class Asks:
    """How pages ask the user for a file or a word: real dialogs in the app, plain functions in
    tests (a modal dialog would hang an offscreen run)."""

    open_csv: Callable[[QWidget, str], str] = field(default=_open_csv)
    save_pdf: Callable[[QWidget, str, str], str] = field(default=_save_pdf)
    text: Callable[[QWidget, str, str], str | None] = field(default=_text)


def selected_row(view: QTableView):
    index = view.currentIndex()
    return view.model().row(index.row()) if index.isValid() else None


def no_focus(*widgets: QWidget) -> None:
    """Scanner-only screens: a focused combo would jump to the item a scanned serial starts with."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
