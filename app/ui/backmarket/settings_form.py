"""The Back Market settings form's groups: connection and orders, order states, what counts.

Built onto the panel (its attributes are the fields the panel fills, reads and watches).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView,
                               QSpinBox, QVBoxLayout, QWidget)

from app.sync import platforms

PLATFORMS = (("eu", "Europe (backmarket.fr)"), ("us", "United States (backmarket.com)"), ("ap", "Asia-Pacific (backmarket.co.jp)"))
STATE_LABELS = (
    ("0", "0 · new, not paid yet"), ("10", "10 · payment pending"), ("1", "1 · paid, to accept"),
    ("3", "3 · accepted, to ship"), ("9", "9 · shipped"), ("8", "8 · cancelled"),
    ("cancelled", "every line cancelled"), ("refunded", "every line refunded"),
)


def build_groups(panel: QWidget) -> tuple[QGroupBox, QGroupBox, QGroupBox]:
    panel.platform = QComboBox(objectName="platform")
    for key, label in PLATFORMS:
        panel.platform.addItem(label, key)
    panel.preprod = QCheckBox("pre-production (Back Market's test copy)", objectName="preprod")
    panel.api_url = QLineEdit(objectName="api_url")
    panel.api_url.setPlaceholderText("custom address, e.g. the local sandbox http://127.0.0.1:8765")
    panel.market = QComboBox(objectName="market")
    panel.market.setEditable(True)
    panel.market.addItems(["", *sorted(platforms.MARKET_PLATFORM)])
    panel.market.lineEdit().setPlaceholderText("default for the platform")
    panel.mapping_mode = QComboBox(objectName="mapping_mode")
    panel.mapping_mode.addItem("SKU — listings match variations carrying their SKU", "sku")
    panel.mapping_mode.addItem("Variation — map each listing by hand", "variation")
    panel.customer_name = QComboBox(objectName="customer_name")
    panel.customer_name.addItem("the buyer's shipping name", "shipping")
    panel.customer_name.addItem("“Back Market” (the channel)", "channel")
    panel.auto_accept = QCheckBox("accept paid order lines automatically when stock covers them", objectName="auto_accept")
    panel.since_days = QSpinBox(objectName="since_days")
    panel.since_days.setRange(1, 365)
    panel.since_days.setSuffix(" days")
    panel.interval = QSpinBox(objectName="interval")
    panel.interval.setRange(15, 3600)
    panel.interval.setSuffix(" s")
    connection = QGroupBox("Connection and orders")
    form = QFormLayout(connection)
    form.addRow("Platform", panel.platform)
    form.addRow("", panel.preprod)
    form.addRow("Custom address", panel.api_url)
    form.addRow("Market", panel.market)
    form.addRow("Listings map by", panel.mapping_mode)
    form.addRow("Customer is", panel.customer_name)
    form.addRow("", panel.auto_accept)
    form.addRow("First import looks back", panel.since_days)
    form.addRow("Full sync every", panel.interval)

    panel.state_combos: dict[str, QComboBox] = {}
    states = QGroupBox("Back Market order state → local order status")
    states_form = QFormLayout(states)
    for key, label in STATE_LABELS:
        combo = QComboBox(objectName=f"state_{key}")
        panel.state_combos[key] = combo
        states_form.addRow(label, combo)

    panel.statuses_view = QListView(objectName="counted_statuses")
    panel.warehouses_view = QListView(objectName="counted_warehouses")
    for view in (panel.statuses_view, panel.warehouses_view):
        view.setMaximumHeight(170)
    counting = QGroupBox("What counts towards the calculated quantity")
    counting_layout = QHBoxLayout(counting)
    for title, view in (("Inventory statuses", panel.statuses_view), ("Warehouses (none ticked: all)", panel.warehouses_view)):
        column = QVBoxLayout()
        column.addWidget(QLabel(title))
        column.addWidget(view)
        counting_layout.addLayout(column)
    return connection, states, counting
