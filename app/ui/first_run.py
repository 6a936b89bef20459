"""The first-run checklist above the tabs: what a new database still needs, each step ticked from the
database, each with a button to the place where it is done. Gone when every step is done, or hidden."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain import first_run
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.sync import secrets
from app.ui.context import UiContext
from app.ui.signin.gates import may
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

DISMISSED_KEY = "first_run/dismissed"
_BOX = "QFrame#first_run { background: #f3f7fd; border: 1px solid #b8cbe8; border-radius: 6px; }"
_DONE = "color: #1e7e34; font-size: 13pt;"
_OPEN = "color: #8a8a8a; font-size: 13pt;"
BUTTONS = {
    first_run.LISTS: "Open the lists…",
    first_run.STOCK: "Receive stock",
    first_run.BACKMARKET: "Back Market settings",
    first_run.USERS: "Add users…",
}


class FirstRunPanel(QFrame):
    go = Signal(str)  # the step's key: the window opens the place where it is done
    said = Signal(str, bool)  # a message for the status bar, refusal?

    def __init__(self, ctx: UiContext, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._settings = settings
        self.setObjectName("first_run")
        self.setStyleSheet(_BOX)
        self.steps: list[first_run.Step] = []
        self._stopped = False  # the window is closing: start no more reads
        self.marks: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        title = QLabel("<b>Getting started</b> — four things to set up before a normal day's work")
        self.hide_button = QPushButton("Hide this list")
        self.hide_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.hide_button)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for row, key in enumerate(BUTTONS):
            mark, text = QLabel("○"), QLabel()
            text.setWordWrap(True)
            button = QPushButton(BUTTONS[key])
            button.clicked.connect(lambda _=False, k=key: self.go.emit(k))
            grid.addWidget(mark, row, 0)
            grid.addWidget(text, row, 1)
            grid.addWidget(button, row, 2)
            self.marks[key], self.buttons[key] = mark, button
            setattr(self, f"text_{key}", text)
        self.keep_lists = QPushButton("Defaults are fine")
        self.keep_lists.setToolTip("Keep the warehouse “Main” and the standard statuses; tick this step")
        self.keep_lists.clicked.connect(self.confirm_lists)
        grid.addWidget(self.keep_lists, 0, 3)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addLayout(grid)
        self.setVisible(False)  # until the first reading says something is left to do
        ctx.events.changes_applied.connect(self._on_changes)
        self.refresh()

    @property
    def dismissed(self) -> bool:
        return str(self._settings.value(DISMISSED_KEY, "false")).lower() == "true"

    @property
    def all_done(self) -> bool:
        return bool(self.steps) and all(step.done for step in self.steps)

    def stop(self) -> None:
        self._stopped = True

    def _on_changes(self, changes: object) -> None:
        """Read the checklist again only for a change that can tick a step: not for every scan."""
        if isinstance(changes, Changes) and not (changes.settings or changes.catalog or (
                changes.unit_ids and not self._done(first_run.STOCK))):
            return
        self.refresh()

    def _done(self, key: str) -> bool:
        return any(step.key == key and step.done for step in self.steps)

    def refresh(self) -> None:
        if self._stopped:
            return
        if self.dismissed:
            self.setVisible(False)
            return
        db, in_env = self.ctx.db, bool(secrets.env_token())

        def read() -> list[first_run.Step]:
            with db.reads() as session:
                return first_run.checklist(session, token_in_environment=in_env)

        run_for(self, self.ctx.runner, read, self._show, lambda exc: log.warning("first-run checklist: %s", exc))

    def _show(self, steps: list[first_run.Step]) -> None:
        self.steps = steps
        for step in steps:
            mark, text = self.marks[step.key], getattr(self, f"text_{step.key}")
            mark.setText("✓" if step.done else "○")
            mark.setStyleSheet(_DONE if step.done else _OPEN)
            text.setText(f"<b>{step.title}</b>{' — done' if step.done else ''}<br>"
                         f"<span style='color:#616161'>{step.hint}</span>")
            text.setToolTip(step.hint)
        lists_done = next((s.done for s in steps if s.key == first_run.LISTS), True)
        self.keep_lists.setVisible(not lists_done)
        # Setting up is a manager's job: a packer signed in sees the tabs only.
        self.setVisible(bool(steps) and may(Permission.LISTS) and not self.dismissed and not self.all_done)

    def confirm_lists(self) -> None:
        db = self.ctx.db

        def work() -> None:
            with db.sessions.begin() as session:
                first_run.confirm_lists(session)

        def refused(exc: Exception) -> None:
            self.said.emit(str(exc) if isinstance(exc, DomainError) else f"Not saved: {exc}", True)

        run_for(self, self.ctx.runner, work, lambda _: self.refresh(), refused)

    def dismiss(self) -> None:
        self._settings.setValue(DISMISSED_KEY, "true")
        self._settings.sync()
        self.setVisible(False)
        self.said.emit("Getting-started list hidden. Help → Getting started shows it again.", False)

    def show_again(self) -> None:
        self._settings.setValue(DISMISSED_KEY, "false")
        self._settings.sync()
        self.refresh()
