"""The status bar: this station, the database, the Back Market sync, and the last scan message."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget
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


class StatusLine(QStatusBar):
    def __init__(self, station: str, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_label = QLabel("")
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
        self._clear.timeout.connect(lambda: self.message_label.setText(""))

    def set_station(self, name: str) -> None:
        self.station_label.setText(f"Station: {name}")

    def set_sync_state(self, text: str) -> None:
        self.sync_label.setText(text)

    def say(self, text: str, *, refusal: bool = False) -> None:
        colour = "#b71c1c" if refusal else "#212121"
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: {'bold' if refusal else 'normal'};")
        self.message_label.setText(("✗ " if refusal else "") + text)
        self._clear.start()
