"""Correcting the selected list item: rename it, merge it into another, delete it.

Delete and merge first show what they would do (the domain tries them and rolls back) in a strip
under the buttons, with a confirm button — never a modal box, so a test or a busy manager is never
stuck behind one.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.settings_dialog import store


class CorrectionBar(QWidget):
    action = Signal(object)  # callable(session) -> Changes, run and saved by the dialog
    question = Signal(object, object)  # callable(session) -> EditPreview, then callback(EditPreview)
    renamed = Signal(str)  # the new name, to keep it selected after the reload

    def __init__(self, kind: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind, self.what = kind, what
        self.name: str | None = None
        self._pending = None
        self.selected = QLabel(f"Select a {what} above to rename, merge or delete it.")
        self.selected.setStyleSheet("color: #616161;")
        self.rename_edit = QLineEdit(placeholderText="New name", objectName="rename_edit")
        self.rename_button = QPushButton("Rename", objectName="rename")
        self.merge_combo = QComboBox(objectName="merge_into")
        self.merge_combo.setMinimumContentsLength(10)
        self.merge_button = QPushButton("Merge into…", objectName="merge")
        self.delete_button = QPushButton("Delete…", objectName="delete")
        self.rename_button.clicked.connect(self.rename)
        self.rename_edit.returnPressed.connect(self.rename)
        self.merge_button.clicked.connect(lambda: self.ask(self.merge_combo.currentText()))
        self.delete_button.clicked.connect(lambda: self.ask(None))
        row = QHBoxLayout()
        row.addWidget(self.rename_edit, 1)
        row.addWidget(self.rename_button)
        row.addSpacing(12)
        row.addWidget(self.merge_button)
        row.addWidget(self.merge_combo, 1)
        row.addSpacing(12)
        row.addWidget(self.delete_button)

        self.confirm = QFrame(objectName="confirm_strip")
        self.confirm.setStyleSheet("#confirm_strip { background: #fff8e1; border: 1px solid #ffb300; border-radius: 4px; }")
        self.confirm_text = QLabel(objectName="confirm_text")
        self.confirm_text.setWordWrap(True)
        self.confirm_button = QPushButton(objectName="confirm")
        self.cancel_button = QPushButton("Cancel", objectName="cancel")
        self.confirm_button.clicked.connect(self._confirmed)
        self.cancel_button.clicked.connect(self.close_question)
        strip = QHBoxLayout(self.confirm)
        strip.addWidget(self.confirm_text, 1)
        strip.addWidget(self.confirm_button)
        strip.addWidget(self.cancel_button)
        self.confirm.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.selected)
        layout.addLayout(row)
        layout.addWidget(self.confirm)
        self.set_selected(None, [])

    def set_selected(self, name: str | None, others: list[str]) -> None:
        self.name = name
        self.close_question()
        for w in (self.rename_edit, self.rename_button, self.merge_combo, self.merge_button, self.delete_button):
            w.setEnabled(name is not None)
        self.merge_button.setEnabled(name is not None and bool(others))
        self.merge_combo.clear()
        self.merge_combo.addItems(others)
        if name is None:
            self.selected.setText(f"Select a {self.what} above to rename, merge or delete it.")
            self.rename_edit.clear()
        else:
            self.selected.setText(f"Selected: {name}")
            self.rename_edit.setText(name)

    def rename(self) -> None:
        new = self.rename_edit.text().strip()
        if self.name is None or not new or new == self.name:
            return
        kind, old = self.kind, self.name
        self.renamed.emit(new)
        self.action.emit(lambda s: store.rename_item(s, kind, old, new))

    def ask(self, into: str | None) -> None:
        """Show what the delete (into None) or the merge would do; nothing changes until confirmed."""
        if self.name is None or (into is not None and not into):
            return
        kind, name = self.kind, self.name
        self._pending = (name, into)
        self.question.emit(lambda s: store.preview(s, kind, name, into), lambda answer: self._show(name, into, answer))

    def _show(self, name: str, into: str | None, answer) -> None:
        if self._pending != (name, into) or self.name != name:
            return  # the selection moved on while the preview was computed
        self.confirm_text.setText(answer.text)
        self.confirm_text.setStyleSheet("" if answer.allowed else "color: #b71c1c;")
        self.confirm_button.setText(f"Merge {name} into {into}" if into else f"Delete {name}")
        self.confirm_button.setVisible(answer.allowed)
        self.cancel_button.setText("Cancel" if answer.allowed else "OK")
        self.confirm.show()
        (self.confirm_button if answer.allowed else self.cancel_button).setFocus()

    def _confirmed(self) -> None:
        if self._pending is None:
            return
        kind, (name, into) = self.kind, self._pending
        self.close_question()
        if into is None:
            self.action.emit(lambda s: store.delete_item(s, kind, name))
        else:
            self.renamed.emit(into)
            self.action.emit(lambda s: store.merge_item(s, kind, name, into))

    def close_question(self) -> None:
        self._pending = None
        self.confirm.hide()
