"""The open order's header: number, customer, channel, status, address and any warning."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.domain.dates import counted, when
from app.domain.packing_query import OrderDetail
from app.integrations.shipstation.status import OrderShipping

_SHIPSTATION_COLOURS = {"label_bought": "#1e7e34", "not_packed": "#8a5a00", "waiting_for_label": "#0b5394",
                        "problem": "#c62828", "cancelled": "#555555", "shipped": "#1e7e34", "left_open": "#555555"}
_NOTICE_STYLE = ("QLabel { background: #fff3cd; color: #5c4400; border: 1px solid #e0b252;"
                 " border-radius: 4px; padding: 6px 10px; font-weight: bold; }")


def _font(base: QFont, grow: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSize(max(base.pointSize(), 9) + grow)
    font.setBold(bold)
    return font


class OrderHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = QLabel(objectName="order_number")
        self.number.setFont(_font(self.font(), 12, bold=True))
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel(objectName="order_status")
        self.status.setFont(_font(self.font(), 4, bold=True))
        self.who = QLabel(objectName="order_who")
        self.who.setFont(_font(self.font(), 4))
        self.who.setWordWrap(True)  # a long customer name or the idle hint never widens the pane
        self.address = QLabel(objectName="order_address")
        self.address.setFont(_font(self.font(), 1))
        self.address.setWordWrap(True)
        self.address.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.shipstation = QLabel(objectName="order_shipstation")
        self.shipstation.setFont(_font(self.font(), 2, bold=True))
        self.shipstation.setWordWrap(True)
        self.shipstation.hide()
        self.notice = QLabel(objectName="order_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(_NOTICE_STYLE)
        self.notice.setFont(_font(self.font(), 2))
        self.notice.hide()

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.number, 0, 0)
        grid.addWidget(self.status, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.who, 1, 0, 1, 2)
        grid.addWidget(self.address, 2, 0, 1, 2)
        grid.addWidget(self.shipstation, 3, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.notice)
        self.show_detail(None)

    def show_detail(self, detail: OrderDetail | None) -> None:
        if detail is None:
            self.number.setText("No order open")
            self.status.clear()
            self.who.setText("Scan the barcode on a packing slip, or pick an order on the left.")
            self.address.clear()
            self.show_shipping(None)
            self.set_notice("")
            return
        self.number.setText(detail.number)
        colour = "#1e7e34" if detail.allows_commit else "#8a5a00" if detail.is_open else "#555555"
        self.status.setText(detail.status)
        self.status.setStyleSheet(f"color: {colour};")
        created = when(detail.created_at)
        shipped = f" · {detail.carrier or ''} {detail.tracking_number}" if detail.tracking_number else ""
        self.who.setText(f"{detail.customer} · {detail.channel} · {created}{shipped}")
        address = ", ".join(part.strip() for part in detail.shipping_address.splitlines() if part.strip())
        self.address.setText(f"Ship to: {address}" if address else "")
        self.set_notice(self._standing_notice(detail))

    def show_shipping(self, shipping: OrderShipping | None) -> None:
        """The order's ShipStation state; hidden when ShipStation is not used for it."""
        if shipping is None:
            self.shipstation.clear()
            self.shipstation.hide()
            return
        text = f"ShipStation: {shipping.words}"
        if shipping.tracking and shipping.state in ("label_bought", "not_packed", "shipped"):
            text += f" · {shipping.carrier or 'carrier'} {shipping.tracking}"
        self.shipstation.setText(text)
        colour = _SHIPSTATION_COLOURS.get(shipping.state, "#555555")
        self.shipstation.setStyleSheet(f"color: {colour};")
        self.shipstation.show()

    def set_notice(self, text: str) -> None:
        self.notice.setText(f"⚠ {text}" if text else "")
        self.notice.setVisible(bool(text))

    def add_notice(self, text: str) -> None:
        current = self.notice.text().removeprefix("⚠ ")
        self.set_notice(f"{text}\n{current}" if current else text)

    @staticmethod
    def _standing_notice(detail: OrderDetail) -> str:
        parts = [detail.note.strip()] if detail.note.strip() else []
        closed = [line for line in detail.lines if line.closed]
        if closed:
            parts.append(f"{counted(len(closed), 'line')} {closed[0].closed_why} on {detail.channel}: do not pack them.")
        if any(line.unmapped and not line.closed for line in detail.lines):
            parts.append("A line is for an unmapped listing — map it in the Back Market tab before scanning.")
        if not detail.is_open:
            parts.append(f"This order is {detail.status}: nothing more can be scanned onto it.")
        return "\n".join(parts)
