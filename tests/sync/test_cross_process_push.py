"""Every station's change reaches the marketplace within seconds (issue 9, finding 1).

A real `refurbdesk sync` daemon holds the lease; a separate CLI process changes stock (move to
repair and back, a CSV import). The database records each change in pending_pushes in the same
transaction (triggers); the daemon polls that table and pushes. The sandbox's admin API is polled
until the listing shows the new quantity — on SQLite and on PostgreSQL. Nothing here waits for the
daemon's next full cycle: the interval is an hour.
"""

from __future__ import annotations

import os

import pytest

from app.domain import pending
from tests.dbfixtures import *  # noqa: F401,F403  (the `db` fixture: SQLite and PostgreSQL)
from tests.sync.process_world import WITHIN_SECONDS, cli, daemon, wait_for_quantity, wait_until
from tests.sync.sync_helpers import configure, new_imei, receive

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="subprocess daemons")]

SKU = "IP13-A"


def pending_rows(db) -> int:
    with db.reads() as s:
        return pending.count(s)


def test_a_change_made_in_another_process_reaches_back_market(db, sandbox, tmp_path, token):
    sandbox.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    imeis = receive(db, SKU, 2)
    configure(db, api_url=sandbox.url, interval_seconds=3600)
    stations = [daemon(db.url, tmp_path, token)]
    try:
        wait_for_quantity(sandbox.url, SKU, 2, stations)  # the daemon's first (and only) full cycle

        cli(db.url, tmp_path, "move", imeis[0], "--status", "Repair")  # a decrease, from another process
        wait_for_quantity(sandbox.url, SKU, 1, stations, WITHIN_SECONDS)

        cli(db.url, tmp_path, "move", imeis[0], "--status", "Available")  # an increase: orders first
        wait_for_quantity(sandbox.url, SKU, 2, stations, WITHIN_SECONDS)

        csv = tmp_path / "arrivals.csv"
        csv.write_text("imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"
                       f"{new_imei()},Apple,iPhone 13,,,128GB,,A,,Available,Main,{SKU}\n", encoding="utf-8")
        cli(db.url, tmp_path, "import-inventory", str(csv))
        wait_for_quantity(sandbox.url, SKU, 3, stations, WITHIN_SECONDS)

        wait_until("every pending push forgotten once pushed", lambda: pending_rows(db) == 0, stations)
        assert stations[0].alive()
    finally:
        for st in stations:
            st.kill()
