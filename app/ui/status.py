"""The status bar: this station, the database, the Back Market sync, and the last scan message."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget
from sqlalchemy.engine import make_url


def database_label(url: str) -> str:
    """The SQLite file's name, or the PostgreSQL host and database — never a password."""
    try:
        parsed = make_url(url)
    except Exception:
        return "database"
    if parsed.get_backend_name() == "sqlite":
        return (parsed.database or "memory").replace("\\", "/").rsplit("/", 1)[-1] or "memory"
    host = parsed.host or "localhost"
    return f"{parsed.get_backend_name()} {host}/{parsed.database or ''}"


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" to the room it has (the whole text as its tooltip).

    It never asks for more width than a few characters, so a long message cannot widen the window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(1)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = " ".join(text.split())  # one line, always
        self.setToolTip(self._full)
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(self.fontMetrics().averageCharWidth() * 20, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1)))


class StatusLine(QStatusBar):
    def __init__(self, station: str, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_label = ElidedLabel()
        self.station_label = QLabel()
        self.database_label = QLabel(f"Database: {database_label(database_url)}")
        self.database_label.setToolTip(make_url(database_url).render_as_string(hide_password=True))
        self.sync_label = QLabel("Back Market: not started")
        self.addWidget(self.message_label, 1)
        for label in (self.station_label, self.database_label, self.sync_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.set_station(station)
        self._clear = QTimer(self, singleShot=True, interval=15000)
        self._clear.timeout.connect(lambda: self.message_label.set_full_text(""))

    def set_station(self, name: str) -> None:
        self.station_label.setText(f"Station: {name}")

    def set_sync_state(self, text: str) -> None:
        self.sync_label.setText(text)

    def say(self, text: str, *, refusal: bool = False) -> None:
        colour = "#b71c1c" if refusal else "#212121"
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: {'bold' if refusal else 'normal'};")
        self.message_label.set_full_text(("✗ " if refusal else "") + text)
        self._clear.start()
