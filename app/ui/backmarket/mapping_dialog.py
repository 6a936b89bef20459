"""Map one Back Market listing: by SKU (see who carries it) or to a variation picked by hand,
with a live preview of the quantity the mapping would list, and the listing's safety rules."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.permissions import Permission
from app.ui.backmarket import queries
from app.ui.context import UiContext
from app.ui.signin import gates
from app.ui.widgets.guard import run_for
from app.domain.dates import counted

log = logging.getLogger(__name__)

NO_CAP = -1


class MappingDialog(QDialog):
    preview_ready = Signal(str)  # the preview line, once computed
    saved = Signal(object)  # Changes

    def __init__(self, ctx: UiContext, choices: queries.MappingChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._choices = choices
        self._generation = 0
        self._debounce = QTimer(self, singleShot=True, interval=120)  # one preview per pause in clicking
        self.setObjectName("mapping_dialog")
        listing = choices.listing
        self.setWindowTitle(f"Map listing {listing.sku}")
        self.setMinimumWidth(640)

        title = QLabel(f"<b>{listing.sku}</b> — {listing.title} · {listing.grade} · {listing.price}")
        title.setWordWrap(True)
        big = QFont(title.font())
        big.setPointSize(max(big.pointSize(), 9) + 3)
        title.setFont(big)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel(f"Back Market shows {listing.bm_quantity}. Listings map by "
                                f"{'SKU' if choices.mode == 'sku' else 'variation'} (change it in Settings)."))

        self.product = self.grade = None
        self.condition_boxes: dict[int, QCheckBox] = {}
        if choices.mode == "sku":
            layout.addWidget(self._sku_box())
        else:
            layout.addWidget(self._variation_box())

        self.reserve = QSpinBox(objectName="reserve")
        self.reserve.setRange(0, 9999)
        self.reserve.setValue(listing.reserve)
        self.max_listed = QSpinBox(objectName="max_listed")
        self.max_listed.setRange(NO_CAP, 9999)
        self.max_listed.setSpecialValueText("no cap")
        self.max_listed.setValue(NO_CAP if listing.max_listed is None else listing.max_listed)
        rules = QGroupBox("Safety rules for this listing")
        rules_form = QFormLayout(rules)
        rules_form.addRow("Keep in reserve", self.reserve)
        rules_form.addRow("List at most", self.max_listed)
        layout.addWidget(rules)

        self.preview = QLabel(objectName="preview")
        self.preview.setWordWrap(True)
        self.preview.setFont(big)
        self.preview.setStyleSheet("QLabel { background: #eef4fb; border-radius: 4px; padding: 8px; }")
        layout.addWidget(self.preview)
        self.problem = QLabel(objectName="problem")
        self.problem.setStyleSheet("color: #c62828; font-weight: bold;")
        layout.addWidget(self.problem)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.clear_button = None
        if choices.mode == "variation":
            self.clear_button = self.buttons.addButton("Clear mapping", QDialogButtonBox.ButtonRole.DestructiveRole)
            self.clear_button.setObjectName("clear_mapping")
            self.clear_button.setEnabled(choices.current is not None)
            self.clear_button.clicked.connect(self.clear)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        gates.read_only_unless(Permission.MAPPING, self.problem, self.save_button, self.clear_button)

        self._debounce.timeout.connect(self.refresh_preview)
        self.reserve.valueChanged.connect(self._debounce.start)
        self.max_listed.valueChanged.connect(self._debounce.start)
        self.refresh_preview()

    # --- the two modes -----------------------------------------------------------------------

    def _sku_box(self) -> QGroupBox:
        carriers = self._choices.carriers
        box = QGroupBox("Variations carrying this SKU")
        grid = QGridLayout(box)
        if not carriers:
            none = QLabel(f"✗ SKU {self._choices.listing.sku} is not recognised: no variation carries it, so nothing "
                          "is ever written to this listing. Give the SKU to a variation in the Catalog tab.")
            none.setObjectName("sku_state")
            none.setWordWrap(True)
            none.setStyleSheet("color: #c62828; font-weight: bold;")
            grid.addWidget(none, 0, 0)
            return box
        state = QLabel(f"✓ SKU recognised: {counted(len(carriers), 'variation')} carr{'ies' if len(carriers) == 1 else 'y'} it")
        state.setObjectName("sku_state")
        state.setStyleSheet("color: #1e7e34; font-weight: bold;")
        grid.addWidget(state, 0, 0, 1, 2)
        for i, carrier in enumerate(carriers, start=1):
            grid.addWidget(QLabel(carrier.label), i, 0)
            grid.addWidget(QLabel(f"{carrier.available} available"), i, 1, Qt.AlignmentFlag.AlignRight)
        return box

    def _variation_box(self) -> QGroupBox:
        choices = self._choices
        box = QGroupBox("Map to product, grade and conditions")
        form = QFormLayout(box)
        self.product = QComboBox(objectName="product")
        self.product.setEditable(True)
        self.product.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for pid, name in choices.products:
            self.product.addItem(name, pid)
        completer = QCompleter(self.product.model(), self.product)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.product.setCompleter(completer)
        self.product.lineEdit().setPlaceholderText("type to search products")
        self.grade = QComboBox(objectName="grade")
        for gid, name in choices.grades:
            self.grade.addItem(name, gid)
        form.addRow("Product", self.product)
        form.addRow("Grade", self.grade)
        conditions = QWidget()
        cgrid = QGridLayout(conditions)
        cgrid.setContentsMargins(0, 0, 0, 0)
        for i, (cid, code, name) in enumerate(choices.conditions):
            box_ = QCheckBox(f"{code} {name}", objectName=f"condition_{code}")
            self.condition_boxes[cid] = box_
            cgrid.addWidget(box_, i // 3, i % 3)
            box_.toggled.connect(lambda _on: self._debounce.start())
        form.addRow("Conditions", conditions)
        if choices.current:
            pid, gid, cids = choices.current
            self.product.setCurrentIndex(max(0, self.product.findData(pid)))
            self.grade.setCurrentIndex(max(0, self.grade.findData(gid)))
            for cid in cids:
                if cid in self.condition_boxes:
                    self.condition_boxes[cid].setChecked(True)
        else:
            self.product.setCurrentIndex(-1)
        self.product.currentIndexChanged.connect(lambda _i: self._debounce.start())
        self.grade.currentIndexChanged.connect(lambda _i: self._debounce.start())
        return box

    # --- what is picked ----------------------------------------------------------------------

    def picked(self) -> tuple[int | None, int | None, tuple[int, ...]]:
        if self.product is None or self.grade is None:
            return None, None, ()
        pid = self.product.currentData() if self.product.currentIndex() >= 0 else None
        return pid, self.grade.currentData(), tuple(sorted(c for c, b in self.condition_boxes.items() if b.isChecked()))

    def rules(self) -> tuple[int, int | None]:
        cap = self.max_listed.value()
        return self.reserve.value(), None if cap == NO_CAP else cap

    def refresh_preview(self) -> None:
        self._generation += 1
        generation = self._generation
        reserve, cap = self.rules()
        if self._choices.mode == "sku":
            listing = self._choices.listing
            if not self._choices.carriers:
                self._show_preview(generation, "Nothing is listed: no variation carries this SKU.")
                return
            calc = queries.sku_preview(self._choices.carriers, listing.outstanding, reserve, cap)
            total = sum(c.available for c in self._choices.carriers)
            self._show_preview(generation, queries.preview_text(total, listing.outstanding, reserve, cap, calc))
            return
        pid, gid, cids = self.picked()
        if pid is None or gid is None:
            self._show_preview(generation, "Pick a product and a grade to see the quantity this mapping lists.")
            return
        db = self._ctx.db

        def work() -> queries.Preview:
            with db.reads() as session:
                return queries.preview(session, pid, gid, cids, reserve, cap)

        # Guarded: the dialog may be gone (closed, deleted) before the preview comes back.
        run_for(self, self._ctx.runner, work, lambda p: self._show_preview(generation, p.text),
                lambda e: self._show_preview(generation, f"Preview failed: {e}"))

    def _show_preview(self, generation: int, text: str) -> None:
        if generation != self._generation:
            return  # an older pick's answer
        self.preview.setText(text)
        self.preview_ready.emit(text)

    # --- save / clear ------------------------------------------------------------------------

    def save(self) -> None:
        pid, gid, cids = self.picked()
        if self._choices.mode == "variation" and (pid is None or gid is None):
            self.problem.setText("Pick a product and a grade, or Cancel.")
            return
        reserve, cap = self.rules()
        uuid, db = self._choices.listing.uuid, self._ctx.db

        def work() -> Changes:
            with db.sessions.begin() as session:
                return queries.save_mapping(session, uuid, pid, gid, cids, reserve, cap)

        self._write(work)

    def clear(self) -> None:
        uuid, db = self._choices.listing.uuid, self._ctx.db

        def work() -> Changes:
            with db.sessions.begin() as session:
                return queries.clear_mapping(session, uuid)

        self._write(work)

    def _write(self, work) -> None:
        self.buttons.setEnabled(False)

        def done(changes: Changes) -> None:
            self._ctx.events.publish(changes)
            self.saved.emit(changes)
            self.accept()

        def failed(exc: Exception) -> None:
            self.buttons.setEnabled(True)
            self.problem.setText(str(exc))

        self._ctx.runner.run(work, done, failed)
