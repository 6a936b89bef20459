"""What the manager changed in the Back Market settings and has not saved yet.

The choice lists (counted statuses and warehouses, local order statuses) are edited elsewhere too —
the Settings dialog, another station. Their items carry the row id, so when the lists are read anew
an unsaved tick or choice follows a renamed item to its new name, and a deleted one goes.

Leaving with unsaved changes is asked in place (UnsavedStrip), never with a modal box: one in the
save flow once hung the test suite.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LIST_KEYS = ("backmarket.statuses", "backmarket.warehouses")
STATES_KEY = "backmarket.order_states"


def checklist(names: tuple[str, ...], ids: tuple[int, ...], checked) -> QStandardItemModel:
    """Ticks matched case-insensitively: an older version may have stored `available`."""
    checked = {c.strip().lower() for c in checked}
    model = QStandardItemModel()
    for name, row_id in zip(names, ids or (None,) * len(names)):
        item = QStandardItem(name)
        item.setCheckable(True)
        item.setEditable(False)
        item.setData(row_id, ID_ROLE)
        item.setCheckState(Qt.CheckState.Checked if name.lower() in checked else Qt.CheckState.Unchecked)
        model.appendRow(item)
    return model


def checked(model: QStandardItemModel | None) -> list[str]:
    if model is None:
        return []
    return [model.item(i).text() for i in range(model.rowCount()) if model.item(i).checkState() == Qt.CheckState.Checked]


def checked_ids(model: QStandardItemModel | None) -> frozenset:
    if model is None:
        return frozenset()
    return frozenset(model.item(i).data(ID_ROLE) for i in range(model.rowCount())
                     if model.item(i).checkState() == Qt.CheckState.Checked)


def merged(fresh_values: dict, names_by_id: dict[str, dict], mine: tuple[dict, dict], shown: tuple[dict, dict]) -> dict[str, Any]:
    """The values to show after the lists were read anew: the database's, except where the form
    differs from what it showed (the manager's unsaved edits), those translated to the new names.

    `mine` and `shown` are (values, ids): the form now and the form as it was filled; `names_by_id`
    maps each list key to {row id: its name now}.
    """
    (my_values, my_ids), (shown_values, shown_ids) = mine, shown
    out = dict(fresh_values)
    for key, value in my_values.items():
        if key in LIST_KEYS or key == STATES_KEY:
            continue
        if value != shown_values.get(key):
            out[key] = value
    for key in LIST_KEYS:
        if my_ids[key] != shown_ids[key]:
            now = names_by_id[key]
            out[key] = [now[i] for i in my_ids[key] if i in now]
    states = dict(fresh_values.get(STATES_KEY) or {})
    now = names_by_id[STATES_KEY]
    for state, row_id in my_ids[STATES_KEY].items():
        if row_id != shown_ids[STATES_KEY].get(state) and row_id in now:
            states[state] = now[row_id]
    out[STATES_KEY] = states
    return out


class UnsavedStrip(QFrame):
    """"These settings are not saved" with Save / Discard / Stay, under the form."""

    save_clicked = Signal()
    discard_clicked = Signal()
    stay_clicked = Signal()

    def __init__(self, subject: str = "The Back Market settings", parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="unsaved_strip")
        self._subject = subject
        self.setStyleSheet("#unsaved_strip { background: #fff8e1; border: 1px solid #ffb300; border-radius: 4px; }")
        self.text = QLabel(objectName="unsaved_text")
        self.text.setWordWrap(True)
        self.save_button = QPushButton("Save and go on", objectName="unsaved_save")
        self.discard_button = QPushButton("Discard changes", objectName="unsaved_discard")
        self.stay_button = QPushButton("Stay here", objectName="unsaved_stay")
        self.save_button.clicked.connect(self.save_clicked)
        self.discard_button.clicked.connect(self.discard_clicked)
        self.stay_button.clicked.connect(self.stay_clicked)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        for button in (self.save_button, self.discard_button, self.stay_button):
            row.addWidget(button)
        self.hide()

    def ask(self, where: str) -> None:
        self.text.setText(f"{self._subject} have unsaved changes. Save them before {where}?")
        self.show()
        self.save_button.setFocus()
