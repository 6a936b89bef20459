"""Two receiving stations scan the same IMEI at the same moment (each onto its own PO): the
database lets one in and the other gets the duplicate refusal; nothing is half-received."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.domain.errors import DomainError
from app.domain.purchasing import receiving
from app.models import PoReceipt, Unit, UnitCode
from app.domain.station import set_operator
from tests.purchasing.helpers import imeis, sign_in_roles, vendor_po


def test_two_stations_receive_the_same_imei(db):
    first, second = vendor_po(db), vendor_po(db)
    code, = imeis(1)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def station(po: str) -> None:
        start.wait(timeout=30)
        try:
            with db.sessions.begin() as s:
                results[po] = receiving.receive_scan(s, po, code)
        except DomainError as exc:
            results[po] = exc

    threads = [threading.Thread(target=station, args=(po,)) for po in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    refused = [r for r in results.values() if isinstance(r, DomainError)]
    received = [r for r in results.values() if isinstance(r, receiving.ReceiveOutcome)]
    assert len(received) == 1 and len(refused) == 1, results
    assert refused[0].reason == "duplicate" and "Already received" in str(refused[0])
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == 1
        assert s.scalar(select(func.count(UnitCode.code))) == 1
        assert s.scalar(select(func.count(PoReceipt.id))) == 1


def test_two_stations_fill_the_last_place_on_a_line(db):
    """The PO's row lock makes the second receiver see the first one's unit: a packer at each
    station, one place left, two different phones — one is received, the other needs a manager."""
    people = sign_in_roles(db)
    set_operator(people["manager"])
    po = vendor_po(db, qty=1)
    set_operator(people["packer"])
    codes = imeis(2)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def station(code: str) -> None:
        start.wait(timeout=30)
        try:
            with db.sessions.begin() as s:
                results[code] = receiving.receive_scan(s, po, code)
        except DomainError as exc:
            results[code] = exc

    threads = [threading.Thread(target=station, args=(code,)) for code in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    refused = [r for r in results.values() if isinstance(r, DomainError)]
    assert len(refused) == 1 and refused[0].reason == "over_receipt", results
    with db.reads() as s:
        assert s.scalar(select(func.count(PoReceipt.id))) == 1
