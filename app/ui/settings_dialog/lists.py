"""One page per user-managed list: a table (flags as check boxes), an add row, reordering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ListSpec:
    kind: str  # key in store.Lists and store.add_item
    title: str
    columns: tuple[str, ...]
    flags: tuple[int, ...] = ()  # columns holding booleans, shown as check boxes
    reorder: bool = False
    hint: str = ""


SPECS = (
    ListSpec("grades", "Grades", ("Grade",), reorder=True, hint="Best first: the order is used in lists and reports."),
    ListSpec("conditions", "Conditions", ("Code", "Name"),
             hint="Damage codes such as CG = Cracked Glass; adding an existing code renames it. Rename changes the code."),
    ListSpec("statuses", "Inventory statuses", ("Status", "Sellable"), flags=(1,), reorder=True,
             hint="Only units in a sellable status can be committed to an order."),
    ListSpec("warehouses", "Warehouses", ("Warehouse",)),
    ListSpec("order_statuses", "Order statuses", ("Order status", "Open", "Allows commit"), flags=(1, 2), reorder=True,
             hint="Open: its lines reserve stock. Allows commit: units may be scanned onto it."),
)


class ReferenceModel(QAbstractTableModel):
    """Rows of one list; ticking a flag asks the page to save it (the database decides)."""

    flag_toggled = Signal(str, int, bool)  # name, column, new value

    def __init__(self, spec: ListSpec, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._rows: list[tuple] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self.endResetModel()

    def rows(self) -> list[tuple]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.spec.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.spec.columns):
            return self.spec.columns[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.spec.flags:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][index.column()]
        if index.column() in self.spec.flags:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return "yes" if value else "no"
            return None
        return value if role == Qt.ItemDataRole.DisplayRole else None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or index.column() not in self.spec.flags:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.flag_toggled.emit(self._rows[index.row()][0], index.column(), checked)
        return False  # shown once saved: the list is reloaded from the database


class ListPage(QWidget):
    """Asks the dialog to run `add`, `move` and `flag` actions; the dialog reloads the lists."""

    action = Signal(object)  # a callable(session) -> Changes
    question = Signal(object, object)  # preview work(session), callback(answer): see CorrectionBar

    def __init__(self, spec: ListSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.ui.settings_dialog import store
        from app.ui.settings_dialog.corrections import CorrectionBar

        self.spec = spec
        self.model = ReferenceModel(spec, self)
        self.model.flag_toggled.connect(
            lambda name, column, value: self.action.emit(lambda s: store.set_flag(s, spec.kind, name, column, value)))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        text_columns = [c for i, c in enumerate(spec.columns) if i not in spec.flags]
        self.new_values = [QLineEdit(placeholderText=f"New {c.lower()}") for c in text_columns]
        self.new_flags = [QCheckBox(spec.columns[i]) for i in spec.flags]
        add = QPushButton("Add")
        add.clicked.connect(self.add)
        for edit in self.new_values:
            edit.returnPressed.connect(self.add)
        row = QHBoxLayout()
        for w in (*self.new_values, *self.new_flags):
            row.addWidget(w)
        row.addWidget(add)
        layout = QVBoxLayout(self)
        if spec.hint:
            from PySide6.QtWidgets import QLabel

            hint = QLabel(spec.hint)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #616161;")
            layout.addWidget(hint)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        if spec.reorder:
            buttons = QVBoxLayout()
            for title, step in (("Move up", -1), ("Move down", 1)):
                button = QPushButton(title)
                button.clicked.connect(lambda _=False, step=step: self.move_selected(step))
                buttons.addWidget(button)
            buttons.addStretch(1)
            body.addLayout(buttons)
        layout.addLayout(body, 1)
        layout.addLayout(row)
        self.corrections = CorrectionBar(spec.kind, spec.columns[0].lower())
        self.corrections.action.connect(self.action)
        self.corrections.question.connect(self.question)
        self.corrections.renamed.connect(self._keep_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.corrections)

    def add(self) -> None:
        from app.ui.settings_dialog import store

        values = tuple(e.text().strip() for e in self.new_values) + tuple(c.isChecked() for c in self.new_flags)
        if not values[0]:
            return
        kind = self.spec.kind
        self.action.emit(lambda s: store.add_item(s, kind, values))
        for edit in self.new_values:
            edit.clear()

    def move_selected(self, step: int) -> None:
        from app.ui.settings_dialog import store

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        name = self.model.rows()[rows[0].row()][0]
        self._reselect = name
        kind = self.spec.kind
        self.action.emit(lambda s: store.move_item(s, kind, name, step))

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows()[rows[0].row()][0] if rows else None

    def _selection_changed(self, *_args) -> None:
        name = self.selected_name()
        others = [r[0] for r in self.model.rows() if r[0] != name]
        self.corrections.set_selected(name, others if name is not None else [])

    def _keep_selected(self, name: str) -> None:
        self._reselect = name

    def set_rows(self, rows) -> None:
        reselect = getattr(self, "_reselect", None) or self.selected_name()
        self._reselect = None
        self.model.set_rows(rows)  # a reset clears the selection
        names = [r[0] for r in self.model.rows()]
        matches = [i for i, n in enumerate(names) if reselect is not None and n.lower() == reselect.lower()]
        if matches:
            self.table.selectRow(matches[0])
        self._selection_changed()


RunAction = Callable[[Callable], None]
