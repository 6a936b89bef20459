"""The operators as a table: name, role, badge yes/no, active, locked until (never a hash or a badge code)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.dates import when
from app.domain.users import UserInfo

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Role", "Badge", "Active", "Locked until")


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return when(moment)  # SQLite hands back naive UTC; when() takes that as UTC


class UsersModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._users: list[UserInfo] = []

    def set_users(self, people: list[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(people)
        self.endResetModel()

    def user_at(self, row: int) -> UserInfo | None:
        return self._users[row] if 0 <= row < len(self._users) else None

    def row_of(self, name: str) -> int:
        return next((i for i, u in enumerate(self._users) if u.name == name), -1)

    def names(self) -> list[str]:
        return [u.name for u in self._users]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        user = self.user_at(index.row()) if index.isValid() else None
        if user is None or not 0 <= index.column() < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (user.name, user.role, "yes" if user.has_badge else "no", "yes" if user.active else "no",
                    local_time(user.locked_until))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and (not user.active or user.locked_until is not None):
            from PySide6.QtGui import QColor

            return QColor("#b71c1c") if user.locked_until is not None else QColor("#757575")
        return None
