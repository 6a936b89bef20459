"""The question before "Listings map by" changes: what the switch does, answered in place.

Not a modal box (one in the save flow once hung the test suite): a strip under the form with the
numbers from app/sync/mapping_mode.py and two buttons. The panel asks; nothing is saved until
"Switch and save" is pressed, and "Keep …" puts the choice back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.sync.mapping_mode import MODES, ModeSwitch


class MappingSwitchStrip(QFrame):
    confirmed = Signal(str)  # the new mode
    kept = Signal(str)  # the mode to go back to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="mapping_switch")
        self.setStyleSheet("#mapping_switch { background: #fff8e1; border: 1px solid #ffb300; border-radius: 4px; }")
        self.text = QLabel(objectName="mapping_switch_text")
        self.text.setWordWrap(True)
        self.switch_button = QPushButton(objectName="mapping_switch_confirm")
        self.keep_button = QPushButton(objectName="mapping_switch_keep")
        self.switch_button.clicked.connect(lambda: self.confirmed.emit(self._switch.new) if self._switch else None)
        self.keep_button.clicked.connect(lambda: self.kept.emit(self._switch.current) if self._switch else None)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.switch_button)
        row.addWidget(self.keep_button)
        self._switch: ModeSwitch | None = None
        self.hide()

    def ask(self, switch: ModeSwitch) -> None:
        self._switch = switch
        self.text.setText(f"Switch listings to map by {MODES[switch.new]}? {switch.text}")
        self.switch_button.setText(f"Switch to {MODES[switch.new]} and save")
        self.keep_button.setText(f"Keep {MODES[switch.current]}")
        self.show()

    def close_question(self) -> None:
        self._switch = None
        self.hide()
