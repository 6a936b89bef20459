"""Help → Guide: a short guide to the day's work (receiver, packer, manager), the keyboard shortcuts
the app really has, where the log and the database live, and a button to open the log folder."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from app.ui.help.keys import Shortcut
from app.ui.help.text import LOCATIONS_INTRO, WORKFLOWS


def open_folder(path: Path) -> bool:
    """Open a folder in the file manager (made first if it is not there yet)."""
    path.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _page(html: str) -> QTextBrowser:
    view = QTextBrowser()
    view.setOpenExternalLinks(False)
    view.setHtml(html)
    return view


class GuideDialog(QDialog):
    PAGES = ("Receiver", "Packer", "Manager", "Keyboard", "Files")

    def __init__(self, shortcuts: list[Shortcut], log_folder: Path, log_file: Path, database: str,
                 parent: QWidget | None = None, *, opener: Callable[[Path], bool] = open_folder) -> None:
        super().__init__(parent)
        self.setWindowTitle("RefurbDesk guide")
        self.resize(720, 540)
        self._opener = opener
        self._log_folder = log_folder
        self.tabs = QTabWidget()
        for role in ("Receiver", "Packer", "Manager"):
            self.tabs.addTab(_page(WORKFLOWS[role]), role)
        rows = "".join(f"<tr><td style='padding:2px 14px 2px 0'><b>{escape(s.keys)}</b></td>"
                       f"<td style='padding:2px 14px 2px 0'>{escape(s.what)}</td>"
                       f"<td style='color:#616161'>{escape(s.where)}</td></tr>" for s in shortcuts)
        self.shortcuts_view = _page(f"<h3>Keyboard shortcuts</h3><table>{rows}</table>"
                                    "<p>A scanner types like a keyboard: scan into any tab and RefurbDesk routes "
                                    "the code (an order number opens it in Packing).</p>")
        self.tabs.addTab(self.shortcuts_view, "Keyboard")
        files = QWidget()
        self.log_label = QLabel(f"<b>Log file</b><br>{escape(str(log_file))}")
        self.database_label = QLabel(f"<b>Database</b><br>{escape(database)}")
        for label in (self.log_label, self.database_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_log_button = QPushButton("Open log folder")
        self.open_log_button.clicked.connect(self.open_log_folder)
        self.files_message = QLabel("")
        intro = QLabel(LOCATIONS_INTRO)
        intro.setWordWrap(True)
        files_layout = QVBoxLayout(files)
        files_layout.addWidget(intro)
        files_layout.addWidget(self.log_label)
        files_layout.addWidget(self.database_label)
        row = QHBoxLayout()
        row.addWidget(self.open_log_button)
        row.addWidget(self.files_message, 1)
        files_layout.addLayout(row)
        files_layout.addStretch(1)
        self.tabs.addTab(files, "Files")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def show_page(self, name: str) -> None:
        self.tabs.setCurrentIndex(self.PAGES.index(name))

    def open_log_folder(self) -> None:
        opened = self._opener(self._log_folder)
        self.files_message.setText("" if opened else f"Could not open {self._log_folder}: open it by hand.")
