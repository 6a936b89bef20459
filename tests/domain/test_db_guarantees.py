"""What the database itself refuses, checked by going around the services with raw inserts."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import orders, reference
from app.models import Channel, Commitment, Customer, Order, OrderLine, OrderStatus, Unit, UnitCode, Variation
from tests.dbfixtures import make_imei, receive


def _refused(db, *statements):
    with pytest.raises(IntegrityError):
        with db.sessions.begin() as s:
            for stmt, params in statements:
                s.execute(stmt, params)


def _unit_row(db, unit_id):
    with db.reads() as s:
        return s.get(Unit, unit_id)


@pytest.mark.parametrize("kind", ["imei", "imei2", "serial"])
def test_a_code_of_one_unit_cannot_be_given_to_another(db, kind):
    first = receive(db, make_imei(1), imei2=make_imei(2), serial="SER-001")
    taken = {"imei": make_imei(1), "imei2": make_imei(2), "serial": "SER-001"}[kind]
    u = _unit_row(db, first)
    with db.sessions.begin() as s:
        other = s.execute(insert(Unit).returning(Unit.id), [{
            "imei": make_imei(3), "variation_id": u.variation_id, "status_id": u.status_id, "warehouse_id": u.warehouse_id,
        }]).scalar_one()
    _refused(db, (insert(UnitCode), [{"code": taken, "unit_id": other, "kind": "imei"}]))
    with db.reads() as s:
        assert s.scalar(select(UnitCode.unit_id).where(UnitCode.code == taken)) == first


def test_second_variation_with_the_same_triple_is_refused(db):
    receive(db, make_imei(1), conditions=("CG", "SC"))
    with db.reads() as s:
        v = s.scalars(select(Variation)).one()
    _refused(db, (insert(Variation), [{"product_id": v.product_id, "grade_id": v.grade_id, "condition_key": v.condition_key}]))


def _order_with_line(db, number_suffix=""):
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Alice", [orders.LineRequest(2, sku="S1")])
        return order.id, order.lines[0].id


def test_a_second_active_commitment_of_a_unit_is_refused(db):
    unit = receive(db, make_imei(1), sku="S1")
    order_a, line_a = _order_with_line(db)
    order_b, line_b = _order_with_line(db)
    with db.sessions.begin() as s:
        s.execute(insert(Commitment), [{"unit_id": unit, "line_id": line_a, "order_id": order_a, "active": True}])
    _refused(db, (insert(Commitment), [{"unit_id": unit, "line_id": line_b, "order_id": order_b, "active": True}]))
    # inactive history rows may be many: the index is partial
    with db.sessions.begin() as s:
        s.execute(insert(Commitment), [{"unit_id": unit, "line_id": line_b, "order_id": order_b, "active": False}] * 2)


def test_one_order_per_channel_and_external_id(db):
    with db.sessions.begin() as s:
        ch = reference.channel(s, reference.BACK_MARKET).id
        cu = reference.customer(s, "Bob").id
        st = reference.order_status(s, "New").id
        s.execute(insert(Order), [{"number": "BM1", "customer_id": cu, "channel_id": ch, "status_id": st, "external_id": "777"}])
        other_channel = reference.channel(s, reference.DIRECT).id
        # the same external id on another channel is another order
        s.execute(insert(Order), [{"number": "SO1", "customer_id": cu, "channel_id": other_channel, "status_id": st,
                                   "external_id": "777"}])
    _refused(db, (insert(Order), [{"number": "BM2", "customer_id": cu, "channel_id": ch, "status_id": st, "external_id": "777"}]))
    _refused(db, (insert(Order), [{"number": "BM1", "customer_id": cu, "channel_id": other_channel, "status_id": st}]))
