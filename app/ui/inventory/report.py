"""A unit's history (returns.unit_report) as one readable HTML panel."""

from __future__ import annotations

from html import escape

from app.domain.dates import when


def _when(iso: str | None) -> str:
    return when(iso, empty="—")


def last_shipment(report: dict) -> dict | None:
    shipped = [o for o in report.get("orders", []) if o.get("shipped_at")]
    return shipped[-1] if shipped else None


def report_html(report: dict) -> str:
    code = report["imei"] or report["serial"]
    extra = []
    if report.get("imei2"):
        extra.append(f"second IMEI {escape(report['imei2'])}")
    if report.get("serial") and report.get("imei"):
        extra.append(f"serial {escape(report['serial'])}")
    conditions = ", ".join(report["conditions"]) or "none"
    parts = [
        f"<h2 style='margin:0'>{escape(code)}</h2>",
        f"<p style='font-size:15pt; margin:4px 0'><b>{escape(report['product'])}</b></p>",
        "<table cellspacing='0' cellpadding='3' style='font-size:12pt'>",
        _row("Grade", report["grade"]),
        _row("Conditions", conditions),
        _row("Status", f"<b>{escape(report['status'])}</b>", raw=True),
        _row("Warehouse", report["warehouse"]),
        _row("SKU", report.get("sku") or "—"),
        _row("Received", _when(report.get("received_at"))),
    ]
    if report.get("cost"):
        parts.append(_row("Cost", report["cost"]))
    if extra:
        parts.append(_row("Also", "; ".join(extra), raw=True))
    parts.append("</table>")
    parts.append("<h3>Orders</h3>")
    if report["orders"]:
        parts.append("<table cellspacing='0' cellpadding='4' border='1' style='border-collapse:collapse; font-size:11pt'>"
                     "<tr><th>Order</th><th>Channel</th><th>Customer</th><th>Status</th><th>Committed</th>"
                     "<th>Shipped</th><th>Tracking</th></tr>")
        for o in report["orders"]:
            tracking = " ".join(p for p in (o.get("carrier"), o.get("tracking_number")) if p) or "—"
            released = f" (released {_when(o['released_at'])})" if o.get("released_at") else ""
            parts.append(
                f"<tr><td><b>{escape(o['number'])}</b></td><td>{escape(o['channel'])}</td><td>{escape(o['customer'])}</td>"
                f"<td>{escape(o['status'])}</td><td>{_when(o['committed_at'])}{released}</td>"
                f"<td>{_when(o['shipped_at'])}</td><td>{escape(tracking)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>Never on an order.</p>")
    parts.append("<h3>History</h3><table cellspacing='0' cellpadding='3' style='font-size:11pt'>")
    for e in report["history"]:
        who = " · ".join(p for p in (e.get("station"), e.get("operator")) if p)
        detail = e.get("detail") or ""
        order = f" (order {escape(e['order'])})" if e.get("order") and e["order"] not in detail else ""
        parts.append(f"<tr><td>{_when(e['at'])}</td><td><b>{escape(e['event'])}</b></td>"
                     f"<td>{escape(detail)}{order}</td><td style='color:#616161'>{escape(who)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def _row(title: str, value: str, *, raw: bool = False) -> str:
    return f"<tr><td style='color:#616161; padding-right:12px'>{title}</td><td>{value if raw else escape(value)}</td></tr>"
