"""What each station does in the concurrency tests; runs in spawned processes (one engine each)."""

from __future__ import annotations

import traceback

from app.db import Database, open_database
from app.domain import fulfilment, inventory, orders
from app.domain.errors import DomainError
from app.domain.station import Actor

_dbs: dict[str, Database] = {}
_barrier = None


def init(barrier) -> None:
    global _barrier
    _barrier = barrier


def _db(url: str) -> Database:
    if url not in _dbs:
        _dbs[url] = open_database(url)
    return _dbs[url]


def _run(url: str, station: str, action):
    """Start a transaction, meet the other station at the barrier, then act."""
    db = _db(url)
    actor = Actor(station, "racer")
    try:
        with db.sessions.begin() as s:
            _barrier.wait(timeout=60)
            result = action(s, actor)
        return ("ok", result)
    except DomainError as exc:
        return ("refused", exc.reason, str(exc))
    except Exception as exc:  # noqa: BLE001 - the test reports it: a station must never see this
        return ("crash", repr(exc), traceback.format_exc())


def commit(url, station, number, code):
    return _run(url, station, lambda s, a: fulfilment.commit_unit(s, number, code, actor=a).line_id)


def uncommit(url, station, number, code):
    return _run(url, station, lambda s, a: bool(fulfilment.uncommit_unit(s, number, code, actor=a)))


def ship(url, station, number):
    return _run(url, station, lambda s, a: bool(fulfilment.ship_order(s, number, "TRK", "UPS", actor=a)))


def set_status(url, station, number, status):
    return _run(url, station, lambda s, a: bool(orders.set_order_status(s, number, status, actor=a)))


def receive(url, station, code, manufacturer, model, grade="A"):
    from app.domain.catalog import ProductSpec

    receipt = inventory.Receipt(ProductSpec(manufacturer, model), grade)
    return _run(url, station, lambda s, a: inventory.receive_unit(s, receipt, code=code, actor=a)[0].id)


def correct_grade(url, station, code, grade):
    from app.domain.unit_corrections import Correction, correct_unit

    return _run(url, station, lambda s, a: bool(correct_unit(s, code, Correction(grade=grade), actor=a)))
