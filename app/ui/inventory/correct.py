"""Correcting a looked-up unit: grade, conditions, product, cost, warehouse (unit_corrections.correct_unit).

The box is filled from the unit's report; only the fields the user changed are sent, so "Save
correction" with nothing changed says so instead of writing history.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QListView,
                               QPushButton, QWidget)

from app.domain.errors import InvalidInput
from app.domain.unit_corrections import Correction
from app.domain.permissions import Permission
from app.ui.inventory.common import ReferenceLists, refill
from app.ui.signin.gates import may, refusal_words
from app.ui.widgets.words_completer import complete_words, set_names


class ConditionChecklist(QListView):
    """Damage codes as check boxes (CG — Cracked glass …)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = QStandardItemModel(self)
        self.setModel(self.items)
        self.setMaximumHeight(110)

    def set_codes(self, conditions: tuple[tuple[str, str], ...]) -> None:
        checked = set(self.checked())
        self.items.clear()
        for code, name in conditions:
            item = QStandardItem(f"{code} — {name}")
            item.setData(code, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
            self.items.appendRow(item)

    def checked(self) -> list[str]:
        return [self.items.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.items.rowCount())
                if self.items.item(r).checkState() == Qt.CheckState.Checked]

    def check(self, codes) -> None:
        wanted = {c.upper() for c in codes}
        for r in range(self.items.rowCount()):
            item = self.items.item(r)
            on = item.data(Qt.ItemDataRole.UserRole).upper() in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class CorrectionBox(QGroupBox):
    """The looked-up unit's fields, editable; `correction()` holds what the user changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Correct this unit", parent)
        self.report: dict | None = None
        self.product_combo = QComboBox(editable=True)
        self.product_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.product_combo.lineEdit().setPlaceholderText("Type words of the product's name, any order")
        self.completer = complete_words(self.product_combo)  # "13 midnight" finds the iPhone 13 Midnight
        self.grade_combo = QComboBox()
        self.conditions = ConditionChecklist()
        self.warehouse_combo = QComboBox()
        self.cost_edit = QLineEdit(placeholderText="managers only, e.g. 215.00")
        self.save = QPushButton("Save correction")
        self.save.setToolTip("Ctrl+S")
        self.save.setShortcut(QKeySequence("Ctrl+S"))
        self.hint = QLabel("Scan a unit to correct it.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #616161;")
        form = QFormLayout(self)
        form.addRow("Product", self.product_combo)
        form.addRow("Grade", self.grade_combo)
        form.addRow("Conditions", self.conditions)
        form.addRow("Warehouse", self.warehouse_combo)
        form.addRow("Cost", self.cost_edit)
        form.addRow(self.save)
        form.addRow(self.hint)
        self.setMaximumWidth(400)
        self.load(None)

    def set_reference(self, lists: ReferenceLists) -> None:
        set_names(self.product_combo, self.completer, [name for name, _ in lists.products])
        refill(self.grade_combo, lists.grades)
        refill(self.warehouse_combo, lists.warehouses)
        self.conditions.set_codes(lists.conditions)
        if self.report is not None:
            self.load(self.report)

    def load(self, report: dict | None) -> None:
        """Show a unit's current values (None: no unit, the box is disabled)."""
        self.report = report
        for widget in (self.product_combo, self.grade_combo, self.conditions, self.warehouse_combo, self.cost_edit, self.save):
            widget.setEnabled(report is not None)
        if report is None:
            return
        self.product_combo.setCurrentText(report["product"])
        self.product_combo.setToolTip(report["product"])  # a long name is cut in the box
        self.product_combo.lineEdit().setCursorPosition(0)
        self.grade_combo.setCurrentText(report["grade"])
        self.conditions.check(report["conditions"])
        self.warehouse_combo.setCurrentText(report["warehouse"])
        self.cost_edit.setText(report.get("cost") or "")
        if not may(Permission.VIEW_COSTS):  # a packer neither sees nor changes costs
            self.cost_edit.setEnabled(False)
            self.cost_edit.setToolTip(refusal_words(Permission.VIEW_COSTS))
        self.hint.setText("Change what is wrong, then Save correction. A unit on an order or shipped keeps "
                          "its grade and product.")

    def correction(self) -> Correction:
        """Only what differs from the unit as looked up."""
        if self.report is None:
            raise InvalidInput("Scan a unit first.")
        r = self.report
        product = " ".join(self.product_combo.currentText().split())
        grade = self.grade_combo.currentText()
        codes = tuple(sorted(self.conditions.checked()))
        warehouse = self.warehouse_combo.currentText()
        cost = self.cost_edit.text().strip()
        return Correction(
            grade=grade if grade != r["grade"] else None,
            conditions=codes if codes != tuple(sorted(r["conditions"])) else None,
            product=product if product.lower() != r["product"].lower() else None,
            cost=cost if cost != (r.get("cost") or "") else None,
            warehouse=warehouse if warehouse != r["warehouse"] else None,
        )

    @staticmethod
    def summary(correction: Correction) -> str:
        parts = []
        if correction.product is not None:
            parts.append(correction.product)
        if correction.grade is not None:
            parts.append(f"grade {correction.grade}")
        if correction.conditions is not None:
            parts.append("conditions " + ("+".join(correction.conditions) or "none"))
        if correction.warehouse is not None:
            parts.append(f"→ {correction.warehouse}")
        if correction.cost is not None:
            parts.append("cost " + (correction.cost or "cleared"))
        return " · ".join(parts)
