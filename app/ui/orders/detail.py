"""One order's detail as HTML, and the yes/no question the tab asks before cancelling."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.orders.model import local_time


def _when(iso: str | None) -> str:
    return local_time(datetime.fromisoformat(iso.replace("Z", "+00:00"))) if iso else ""


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def detail_html(d: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(line['wants'])}{' <i>(closed)</i>' if line['closed'] else ''}</td>"
        f"<td align='right'>{line['quantity']:,}</td><td>{escape(', '.join(line['committed']) or '—')}</td></tr>"
        for line in d["lines"])
    ship = d.get("ship_to")
    if ship:
        parts = [ship["name"], ship["company"], ship["street1"], ship["street2"], ship["street3"],
                 f"{ship['postal_code']} {ship['city']}", ship["state"], ship["country"], ship["phone"], ship["email"]]
        address = "<br>".join(escape(p) for p in parts if p.strip())
    else:
        address = "<i>no ship-to address</i>"
    shipped = (f"<p>Shipped {_when(d['shipped_at'])} · {escape(d['carrier'] or '')} "
               f"{escape(d['tracking_number'] or '')}</p>") if d.get("shipped_at") else ""
    return (f"<h2 style='margin:0'>{escape(d['number'])}</h2>"
            f"<p style='font-size:13pt'><b>{escape(d['customer'])}</b> · {escape(d['channel'])} · "
            f"<b>{escape(d['status'])}</b></p>{shipped}"
            "<table cellspacing='0' cellpadding='4' border='1' style='border-collapse:collapse'>"
            f"<tr><th>Wants</th><th>Qty</th><th>Scanned</th></tr>{rows}</table>"
            f"<h3>Ship to</h3><p>{address}</p><p style='color:#616161'>Created {_when(d.get('created_at'))}</p>")
