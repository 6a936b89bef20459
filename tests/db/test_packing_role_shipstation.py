"""The least-privilege packing-station role and ShipStation (PostgreSQL): the station reads the order's
address and ShipStation state, records the packer's "do not mark it shipped in ShipStation" — and
nothing else of ShipStation's; tables an upgrade adds are readable without granting again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.db import open_database
from app.domain import addresses, fulfilment, orders
from app.integrations.shipstation.packing import ship_at_packing
from app.integrations.shipstation.status import for_packing
from app.models import ShipStationOrder
from app.models import migrate
from app.models.roles import PACKING_STATION_READS, packing_station_grants
from tests.dbfixtures import IPHONE, make_imei

pytestmark = pytest.mark.postgres

# Tables created after revision 0004 (ShipStation, purchasing): no grant can name them before.
LATER_TABLES = ("shipstation_orders", "po_receipts", "purchase_orders", "diagnostic_runs")
PARIS = "name=Jeanne Martin,street1=12 rue de la Paix,city=Paris,postal_code=75002,country=FR"


def _role(url: str, *, before_shipstation: bool = False):
    role = f"packing_{uuid.uuid4().hex[:10]}"
    owner = create_engine(url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'station-pw'")
        for statement in packing_station_grants(role, make_url(url).database):
            if before_shipstation and any(f" ON {t} " in statement for t in LATER_TABLES):
                continue  # the table did not exist yet when this role was set up
            conn.exec_driver_sql(statement)
    station_url = make_url(url).set(username=role, password="station-pw").render_as_string(hide_password=False)
    return role, owner, station_url


def _drop(role, owner) -> None:
    with owner.connect() as conn:
        conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
        conn.exec_driver_sql(f'DROP ROLE "{role}"')
    owner.dispose()


def _order_in_shipstation(db) -> tuple[str, int]:
    from app.domain import inventory

    with db.sessions.begin() as s:
        inventory.receive_unit(s, inventory.Receipt(IPHONE, "A", ("CG",), sku="IP8-A"), code=make_imei(7))
        order, _ = orders.create_direct_order(s, "Jeanne Martin", [orders.LineRequest(1, sku="IP8-A")])
        addresses.set_address(s, order.id, addresses.parse_ship_to(PARIS))
        s.add(ShipStationOrder(order_id=order.id, order_key=f"refurbdesk-{order.number}", remote_id=4242,
                               remote_status="awaiting_shipment", fingerprint="x"))
        return order.number, order.id


def test_the_packing_role_reads_shipstation_state_and_records_only_its_answer(pg_db):
    number, order_id = _order_in_shipstation(pg_db)
    role, owner, url = _role(pg_db.url)
    station = open_database(url)
    try:
        with station.reads() as s:
            assert addresses.get_address(s, order_id).city == "Paris"
            shipping, waiting = for_packing(s, order_id)
            assert shipping.state == "waiting_for_label" and waiting
        with station.sessions.begin() as s:
            fulfilment.commit_unit(s, number, make_imei(7))
        with station.sessions.begin() as s:
            ship_at_packing(s, number, "1Z999", "UPS", mark_in_shipstation=False)
        with station.reads() as s:
            assert s.get(ShipStationOrder, order_id).leave_open is True
        for statement in ("UPDATE shipstation_orders SET remote_status = 'shipped'",
                          "UPDATE order_addresses SET city = 'Lyon'", "DELETE FROM shipstation_orders",
                          "INSERT INTO shipstation_orders (order_id, order_key, remote_status, fingerprint, "
                          "waiting_for_packing, updated_at) VALUES (1, 'k', '', '', false, now())"):
            with station.engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text(statement))
    finally:
        station.dispose()
        _drop(role, owner)


def test_tables_an_upgrade_adds_are_readable_without_granting_again(pg_cluster):
    from tests.dbfixtures import drop_pg_database, new_pg_database

    url = new_pg_database(pg_cluster)
    db = open_database(url)
    try:
        migrate.upgrade(db.engine, "0004")  # a station role set up before ShipStation existed
        role, owner, station_url = _role(url, before_shipstation=True)
        try:
            migrate.upgrade(db.engine)  # the owner upgrades: order_addresses, shipstation_orders appear
            station = open_database(station_url)
            try:
                with station.engine.connect() as conn:
                    for table in PACKING_STATION_READS:
                        conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            finally:
                station.dispose()
        finally:
            _drop(role, owner)
    finally:
        db.dispose()
        drop_pg_database(pg_cluster, url)
