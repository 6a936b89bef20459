"""A packing station connected as the least-privilege PostgreSQL role (README, app/models/roles.py)
signs a packer in, receives by scan, looks up, moves, packs and ships; the database itself refuses
it everything else (settings, lists, users' roles, the schema)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.db import open_database
from app.domain import fulfilment, inventory, orders, returns, users
from app.domain.station import set_operator
from app.domain.users import SignInRefused
from app.models.roles import packing_station_grants
from tests.dbfixtures import IPHONE, make_imei

pytestmark = pytest.mark.postgres


@pytest.fixture
def packing_role(pg_db, pg_cluster):
    role = f"packing_{uuid.uuid4().hex[:10]}"
    dbname = make_url(pg_db.url).database
    owner = create_engine(pg_db.url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'station-pw'")
        for statement in packing_station_grants(role, dbname):
            conn.exec_driver_sql(statement)
    url = make_url(pg_db.url).set(username=role, password="station-pw").render_as_string(hide_password=False)
    station = open_database(url)
    try:
        yield station
    finally:
        station.dispose()
        with owner.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        owner.dispose()


def test_a_packing_station_works_with_the_least_privilege_role(pg_db, packing_role):
    # The office (owner role) sets up operators and an order.
    with pg_db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, "Sam", "packer", "1234", badge="SAM-0002")
        order, _ = orders.create_direct_order(s, "Bob Ltd", [orders.LineRequest(1, sku="IP8-A")])
        number = order.number
    set_operator(None)

    station = packing_role
    with station.sessions.begin() as s, pytest.raises(SignInRefused, match="4 attempts left"):
        users.authenticate(s, "Sam", "0000")  # the wrong-PIN count is written by the station
    with station.sessions.begin() as s:
        sam = users.authenticate_badge(s, "SAM-0002")
    set_operator(sam)

    receipt = inventory.Receipt(IPHONE, "A", ("CG",), sku="IP8-A")
    with station.sessions.begin() as s:
        inventory.receive_unit(s, receipt, code=make_imei(1))  # a new product, variation and first SKU
    with station.sessions.begin() as s:
        inventory.move_unit(s, make_imei(1), warehouse="Main")
    with station.sessions.begin() as s:
        fulfilment.commit_unit(s, number, make_imei(1))
    with station.sessions.begin() as s:
        fulfilment.uncommit_unit(s, number, make_imei(1))
    with station.sessions.begin() as s:
        fulfilment.commit_unit(s, number, make_imei(1))
    with station.sessions.begin() as s:
        fulfilment.ship_order(s, number, "1Z999")
    with station.reads() as s:
        report = returns.unit_report(s, make_imei(1))
    assert report["status"] == "Sold"
    assert [h["operator"] for h in report["history"]] == ["Sam"] * len(report["history"])
    with station.sessions.begin() as s:
        returns.receive_return(s, make_imei(1), status="Returned", warehouse="Main")

    # Whatever the app would let through, the database refuses this role the manager's and admin's tables.
    for statement in ("UPDATE settings SET value = 'false'", "INSERT INTO warehouses (name) VALUES ('Annex')",
                      "UPDATE bm_listings SET reserve = 1", "INSERT INTO users (name, name_norm, role, pin_hash, "
                      "active, failed_attempts, created_at) VALUES ('x', 'x', 'admin', 'x', true, 0, now())",
                      "UPDATE users SET role = 'admin'", "UPDATE users SET pin_hash = 'x'", "DELETE FROM unit_events", "CREATE TABLE intruder (id int)"):
        with station.engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text(statement))
