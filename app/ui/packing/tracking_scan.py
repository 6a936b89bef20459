"""A carrier label scanned at the packing station: on a complete order it means "ship it"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import fulfilment, packing_query
from app.domain.errors import ScanRefused
from app.domain.packing_query import OrderDetail
from app.ui.packing.ship_dialog import tracking_problem


def tracking_scan(session: Session, number: str, code: str, refused: ScanRefused) -> OrderDetail | None:
    """The open order when a refused scan is the carrier label's tracking number, else None.

    Tracking only when the commit checks already ran and found no unit behind the code (unknown,
    or not unit-shaped), the code is not a phone's IMEI nor the order number, and every line of
    the open order is scanned: a real unit's IMEI or serial keeps its own refusal, and on an
    incomplete order an unknown code keeps "Unknown unit".
    """
    if refused.reason not in (fulfilment.UNKNOWN_UNIT, fulfilment.INVALID_CODE):
        return None
    if tracking_problem(code, number) is not None:
        return None
    detail = packing_query.order_detail(session, number)
    return detail if detail.is_open and detail.scanned and detail.missing == 0 else None
