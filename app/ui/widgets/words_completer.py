"""A completer for long names that matches typed words in any order ("13 midnight" finds
"Apple iPhone 13 A2633 Unlocked 128GB Midnight"), case-insensitively."""

from __future__ import annotations

from PySide6.QtCore import (QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel,
                            QStringListModel, Qt)
from PySide6.QtWidgets import QComboBox, QCompleter


class WordsFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()  # Qt 6.10's replacement for invalidateFilter()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 (Qt API)
        name = str(self.sourceModel().index(row, 0, parent).data() or "").lower()
        return all(word in name for word in self._words)


class WordsCompleter(QCompleter):
    """Shows the source model's names containing every typed word; the popup does no filtering of its own."""

    def __init__(self, source: QAbstractItemModel, parent=None) -> None:
        super().__init__(parent)
        self.words = WordsFilter(self)
        self.words.setSourceModel(source)
        self.setModel(self.words)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt API): called with the typed text
        self.words.set_text(path)
        return [""]  # every row the filter kept


def complete_words(combo: QComboBox) -> WordsCompleter:
    """Give an editable combo the words-in-any-order completer; `set_names` fills both."""
    completer = WordsCompleter(QStringListModel(combo), combo)
    combo.setCompleter(completer)
    return completer


def set_names(combo: QComboBox, completer: WordsCompleter, names: list[str]) -> None:
    """New items for the combo and its completer; the typed text stays."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(names)
    completer.words.sourceModel().setStringList(names)
    combo.setCurrentText(current)
    combo.blockSignals(False)
